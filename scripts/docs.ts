import { readFileSync, writeFileSync } from 'node:fs';
import { renderReadme } from './readme.ts';

// Regenerates the parts of the README that come from code.
const path = new URL('../README.md', import.meta.url);
writeFileSync(path, await renderReadme(readFileSync(path, 'utf8')));
