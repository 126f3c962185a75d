import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { createLogger } from '../../../lib/logger.ts';
import type { ScanKernel } from '../../../service/vectors/collection-vectors.ts';
import { createMemoryIndex } from '../../../service/vectors/memory-index.ts';
import { openIndexUnderTest, type IndexUnderTest } from '../../support/vector-backends.ts';

/** The embedded profile's in-process index over PGlite, with the scan kernel given. */
export async function memoryIndexInPglite(kernel: ScanKernel): Promise<IndexUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'aidb-memory-index-'));
  const pglite = await PGlite.create('memory://');
  const pool = new pg.Pool(createPgConfig(pglite));
  const index = createMemoryIndex({
    pool,
    logger: createLogger({ level: 'silent', name: 'test' }),
    snapshotPath: join(dir, 'vector-index.bin'),
    kernel,
    previewLength: 301,
  });
  return openIndexUnderTest(pool, index, {
    async release() {
      await pglite.close();
      await rm(dir, { recursive: true, force: true });
    },
  });
}
