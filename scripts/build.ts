import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDir, sourceStamp, stampFile } from '../lib/build-stamp.ts';

// Compiles the runtime code to build/ (tsconfig.build.json), so the agent runs as JavaScript
// and Node never loads its TypeScript stripper. Run by `npm ci` (prepare) and the Containerfile;
// build/ is not committed: the same sources and TypeScript version give the same output.
// `node scripts/build.ts <dir>` compiles elsewhere (tests); the dir must sit inside the checkout,
// where Node finds node_modules.
const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(root, buildDir));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const stamp = sourceStamp(root);
rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], {
  stdio: 'inherit',
});
// The migrations are read at run time from beside the compiled migrate.js.
cpSync(join(root, 'service/store/migrations'), join(out, 'service/store/migrations'), {
  recursive: true,
});
writeFileSync(join(out, stampFile), `${stamp}\n`);
console.log(`npm run build: compiled the runtime code to ${out}`);
