import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import type { BackupEngine } from '../../../backups/engine.ts';
import type { Manifest } from '../../../backups/manifest.ts';
import { createPostgresDriver } from '../../../backups/postgres/driver.ts';
import { createPgvectorIndex } from '../../../service/vectors/pgvector.ts';
import { graphDistance } from '../../../service/vectors/pgvector-build.ts';
import { describeWith } from '../../support/not-checked.ts';
import { pgvectorMissing } from '../../support/pgvector.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { generateKeys, pgBin, scratchDir, seedServiceDatabase, testEngine } from './fixtures.ts';

const quiet = createLogger({ level: 'silent', name: 'test' });

/** Rows of the pgvector tables and an HNSW search's answer, for comparing two databases. */
async function vectorState(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts = await client.query(
      `SELECT (SELECT count(*) FROM pgvector_chunks) AS indexed,
              (SELECT count(*) FROM pgvector_pending) AS pending,
              (SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'pgvector_hnsw_%') AS graphs`,
    );
    // Forces the graph: the answer must come from the restored HNSW index, not a scan.
    await client.query('SET enable_seqscan = off');
    const nearest = await client.query(
      `SELECT document_id, chunk_index FROM pgvector_chunks
       WHERE collection_id = 1
       ORDER BY ${graphDistance(8, 'embedding', "'[1,0,0,0,0,0,0,0]'::vector(8)")}, document_id, chunk_index
       LIMIT 5`,
    );
    return { counts: counts.rows, nearest: nearest.rows };
  } finally {
    await client.end();
  }
}

/** A database with `vector` columns and HNSW indexes must back up, verify and restore. */
describeWith(pgvectorMissing(), 'PostgreSQL backup round trip with pgvector', () => {
  let server: PostgresServer;
  let engine: BackupEngine;
  let manifest: Manifest;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    server = await startPostgres();
    const url = await server.createDatabase('source');
    await seedServiceDatabase(url, { collections: 2, documents: 60, chunks: 2 });
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // Distinct vectors, so the nearest chunks are one answer however the graph was built.
    await pool.query(
      `UPDATE chunks SET embedding = ARRAY(
         SELECT sin(collection_id * 1000 + chunk_index * 100 + substr(document_id, 5)::int + j)::real
         FROM generate_series(1, 8) AS j)`,
    );
    // The first prepare on a database without pgvector's tables indexes the rows already there.
    const index = createPgvectorIndex({ pool, logger: quiet });
    await index.prepare(pool);
    await index.drained();
    await index.close();
    await pool.end();
    const connection = { url, binDir: pgBin };
    const driver = createPostgresDriver({
      connection,
      scratch: { url: server.url, binDir: pgBin },
      scratchPrefix: 'aidb_verify_',
    });
    const keys = await generateKeys();
    const dir = await scratchDir('pgvector-round-trip');
    ({ engine } = testEngine({ dir, drivers: { postgres: driver }, keys }));
    const outcome = await engine.run('postgres', signal);
    if (outcome.status !== 'success') throw new Error(`backup failed: ${JSON.stringify(outcome)}`);
    manifest = outcome.manifest;
  });
  afterAll(async () => {
    await server.close();
  });

  it('passes level 2: the scratch database gets the vector extension and restores every row', async () => {
    const outcome = await engine.verify(manifest.id, '2', signal);
    expect(outcome.status === 'done' && outcome.verification.ok).toBe(true);
  });

  it('restores the vector tables and HNSW indexes, which answer as the source did', async () => {
    const outcome = await engine.restore(manifest.id, 'restored', { force: false, signal });
    expect(outcome.status).toBe('done');
    const source = await vectorState(server.urlFor('source'));
    expect(source).toMatchObject({ counts: [{ indexed: '240', pending: '0', graphs: '2' }] });
    expect(await vectorState(server.urlFor('restored'))).toEqual(source);
  });
});
