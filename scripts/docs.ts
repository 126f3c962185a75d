import { readFileSync, writeFileSync } from 'node:fs';
import { renderApiDocs, renderOperationsGuide } from './docs-files.ts';
import { renderReadme } from './readme.ts';

// Regenerates the parts of the README and docs/ that come from code.
const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, await renderReadme(readFileSync(readme, 'utf8')));
const operations = new URL('../docs/operations.md', import.meta.url);
writeFileSync(operations, await renderOperationsGuide(readFileSync(operations, 'utf8')));
writeFileSync(new URL('../docs/api.md', import.meta.url), await renderApiDocs());
