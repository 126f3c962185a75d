import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { createLogger } from '../../lib/logger.ts';
import { migrate } from '../../service/store/migrate.ts';
import { createExactSqlIndex } from '../../service/vectors/exact-sql.ts';
import { createPgvectorIndex } from '../../service/vectors/pgvector.ts';
import { createQdrantIndex } from '../../service/vectors/qdrant.ts';
import { createQdrantClient } from '../../service/vectors/qdrant-client.ts';
import { startQdrantStub, type QdrantStub } from './qdrant-stub.ts';
import type { VectorIndex } from '../../service/vectors/vector-index.ts';
import { startPostgres } from './postgres.ts';

/** A vector index with the database under it, as one backend of the contract suite. */
export interface IndexUnderTest {
  readonly pool: pg.Pool;
  readonly index: VectorIndex;
  /** Waits for background indexing, where the index has any. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const quiet = createLogger({ level: 'silent', name: 'test' });

/**
 * Migrates the store behind `pool`, prepares the index on it, and gives the backend whose close
 * stops the index, ends the pool and then runs `release` (the server or files under it).
 */
export async function openIndexUnderTest<I extends VectorIndex>(
  pool: pg.Pool,
  index: I,
  options: { settle?: () => Promise<void>; release: () => Promise<void> },
): Promise<IndexUnderTest & { readonly index: I }> {
  await migrate(pool);
  await index.prepare(pool);
  return {
    pool,
    index,
    settle: options.settle ?? (() => Promise.resolve()),
    async close() {
      await index.close();
      await pool.end();
      await options.release();
    },
  };
}

export async function pgvectorInPglite(): Promise<IndexUnderTest> {
  const pglite = await PGlite.create('memory://', { extensions: { vector } });
  const pool = new pg.Pool(createPgConfig(pglite));
  const index = createPgvectorIndex({ pool, logger: quiet });
  return openIndexUnderTest(pool, index, {
    settle: () => index.drained(),
    release: () => pglite.close(),
  });
}

/**
 * pgvector in a private PostgreSQL 15 through a pool of several connections, as a replica of the
 * external profile runs it (PGlite serves one connection). Needs pgvector installed for
 * PostgreSQL 15 (test/support/pgvector.ts).
 */
export async function pgvectorOnPostgres(): Promise<
  IndexUnderTest & { readonly url: string; readonly index: ReturnType<typeof createPgvectorIndex> }
> {
  const server = await startPostgres();
  const url = await server.createDatabase('vectors');
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  const index = createPgvectorIndex({ pool, logger: quiet });
  const opened = await openIndexUnderTest(pool, index, {
    settle: () => index.drained(),
    release: () => server.close(),
  });
  return { ...opened, url };
}

export async function exactSqlOnPostgres(): Promise<IndexUnderTest> {
  const server = await startPostgres();
  const pool = new pg.Pool({ connectionString: await server.createDatabase('vectors') });
  return openIndexUnderTest(pool, createExactSqlIndex(pool), { release: () => server.close() });
}

/** The Qdrant index against the Qdrant contract stub, with PGlite holding the chunk rows. */
export async function qdrantOnStub(): Promise<IndexUnderTest & { readonly stub: QdrantStub }> {
  const pglite = await PGlite.create('memory://');
  const pool = new pg.Pool(createPgConfig(pglite));
  await migrate(pool);
  const stub = await startQdrantStub({ apiKey: 'qdrant-key' });
  const index = createQdrantIndex(
    createQdrantClient({ url: stub.url, apiKey: 'qdrant-key', timeoutMs: 2_000 }),
  );
  await index.prepare(pool);
  return {
    pool,
    index,
    stub,
    settle: () => Promise.resolve(),
    async close() {
      await stub.close();
      await pool.end();
      await pglite.close();
    },
  };
}
