import { describe, it } from 'vitest';

/**
 * Declares the suite when `missing` is undefined. Otherwise declares one test in its place that
 * prints a single line (stderr) saying what was not checked and why; it fails instead where
 * AIDB_REQUIRE_SHARED=1 says everything must run (CI).
 */
export function describeWith(missing: string | undefined, title: string, suite: () => void): void {
  if (missing === undefined) {
    describe(title, suite);
    return;
  }
  it(`${title}: not checked (${missing})`, () => {
    const line = `not checked: ${title}, because ${missing}`;
    if (process.env.AIDB_REQUIRE_SHARED === '1')
      throw new Error(`${line} (AIDB_REQUIRE_SHARED=1 requires it)`);
    process.stderr.write(`${line}\n`);
  });
}
