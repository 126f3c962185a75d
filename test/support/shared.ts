import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The team's shared folder beside the checkout (`../shared`): Grafana's JSON Schemas, the
 * vendored pgvector source. A clone on its own does not have it, and its tests must still pass;
 * CI has it and sets AIDB_REQUIRE_SHARED=1, so a suite that would not run there fails instead.
 */
export const sharedDir = resolve(import.meta.dirname, '../../../shared');

/** Why a path from the shared folder cannot be used, or undefined when it can. */
export function missingPath(path: string, what: string): string | undefined {
  return existsSync(path) ? undefined : `${what} ${path} is not there`;
}
