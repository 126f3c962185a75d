import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaries, ensureBinaries } from './binaries.ts';
import { ensurePgvector } from './pgvector.ts';

/**
 * Runs once before any test: the right Node, every server binary the suites start (pgvector
 * too, where it can be built), and a scratch directory shared by the test files of this run
 * (AIDB_TEST_RUN_DIR).
 */
export default function setup(): () => void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 24) {
    throw new Error(
      `tests run on Node 24 (the project's pinned node package), not ${process.version}; run them with npm test`,
    );
  }
  ensureBinaries(Object.values(binaries));
  ensurePgvector();
  const runDir = mkdtempSync(join(tmpdir(), 'aidb-test-run-'));
  process.env.AIDB_TEST_RUN_DIR = runDir;
  return () => {
    rmSync(runDir, { recursive: true, force: true });
  };
}
