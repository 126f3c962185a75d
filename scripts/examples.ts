import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { writeGeneratedFiles } from '../lib/generated-files.ts';
import { exampleFiles, examplesDir } from './examples-files.ts';

// Rewrites examples/generated/ from scratch, so a file the generators no longer write goes too.
const dir = fileURLToPath(new URL(`../${examplesDir}/`, import.meta.url));
await rm(dir, { recursive: true, force: true });
const files = exampleFiles();
await writeGeneratedFiles(dir, files);
console.log(`npm run examples: wrote ${String(files.length)} files to ${examplesDir}/`);
