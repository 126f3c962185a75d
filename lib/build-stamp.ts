import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where `npm run build` writes the compiled runtime, relative to the checkout. */
export const buildDir = 'build';
/** The file in `buildDir` naming the sources it was compiled from. */
export const stampFile = 'sources.sha256';

/** The folders tsconfig.build.json compiles, and the files whose change changes its output. */
const sourceDirs = [
  'bin',
  'catalog',
  'config',
  'lib',
  'service',
  'agent',
  'backups',
  'dashboards',
  'alerts',
  'deploy',
  'client',
];
const sourceFiles = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** One digest over the paths and contents given, whatever order they come in. */
export function digestSources(files: readonly { path: string; content: Buffer }[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    hash.update(`${file.path}\0${String(file.content.length)}\0`);
    hash.update(file.content);
  }
  return hash.digest('hex');
}

function listTs(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') || name.endsWith('.sql'))
    .map((name) => join(dir, name));
}

/** The digest of the checkout's runtime sources, as `npm run build` records it. */
export function sourceStamp(root: string): string {
  const paths = [...sourceDirs.flatMap((dir) => listTs(root, dir)), ...sourceFiles];
  return digestSources(
    paths.map((path) => ({
      path: relative(root, join(root, path)),
      content: readFileSync(join(root, path)),
    })),
  );
}

/**
 * True when `build/` holds the compilation of the sources as they are now: a checkout whose
 * code changed since `npm run build` runs from TypeScript instead of stale JavaScript.
 */
export function buildIsCurrent(root: string): boolean {
  let recorded: string;
  try {
    recorded = readFileSync(join(root, buildDir, stampFile), 'utf8').trim();
  } catch {
    return false;
  }
  return recorded === sourceStamp(root);
}
