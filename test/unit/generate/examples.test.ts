import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleFiles, examplesDir } from '../../../scripts/examples-files.ts';

const refresh = `run \`npm run examples\` and commit ${examplesDir}/ with the generator change`;
const root = fileURLToPath(new URL(`../../../${examplesDir}/`, import.meta.url));

function committed(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return files;
}

describe(`${examplesDir}/`, () => {
  const generated = exampleFiles();
  const onDisk = committed();

  it('holds exactly the files `aidb generate` writes for the default configuration', () => {
    expect(
      [...onDisk.keys()].sort(),
      `${examplesDir}/ lists other files than aidb generate writes: ${refresh}`,
    ).toEqual(generated.map((file) => file.path).sort());
  });

  it('holds each file byte for byte as `aidb generate` writes it', () => {
    for (const file of generated) {
      expect(onDisk.get(file.path), `${examplesDir}/${file.path} is stale: ${refresh}`).toBe(
        file.content,
      );
    }
  });
});
