import { generators } from '../bin/commands/generators.ts';
import { loadConfig } from '../config/load.ts';
import type { GeneratedFile } from '../lib/generated-files.ts';

/** Where the reviewed output of `aidb generate` lives, relative to the repository. */
export const examplesDir = 'examples/generated';

/**
 * What `aidb generate` writes for the default configuration: no file, no environment, so the
 * committed copy does not depend on who refreshed it.
 */
export function exampleFiles(): GeneratedFile[] {
  const { config } = loadConfig({ env: {}, readFile: () => '' });
  return generators.flatMap((generate) => generate(config));
}
