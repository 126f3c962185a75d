import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientFor } from '../../support/client.ts';
import { describeWith } from '../../support/not-checked.ts';
import { pgvectorMissing } from '../../support/pgvector.ts';
import { externalBackends, type ProfileBackends } from '../../support/profiles.ts';
import { startTestService } from '../../support/service.ts';

/**
 * pgvector is not a trusted extension: an ordinary role cannot create it. A service running as
 * one must serve with exact SQL (not retry start-up for ever), and when a superuser adds the
 * extension later, the next start must index everything written before.
 */
describeWith(pgvectorMissing(), 'pgvector on a database whose role may not create it', () => {
  let backends: ProfileBackends;
  let env: Record<string, string>;
  const asSuperuser = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: backends.postgres?.urlFor('app') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  beforeAll(async () => {
    backends = await externalBackends();
    const server = backends.postgres;
    if (server === undefined) throw new Error('the external profile has a PostgreSQL');
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE ROLE aidb_app LOGIN');
    await admin.query('CREATE DATABASE app OWNER aidb_app');
    await admin.end();
    env = {
      ...(await backends.env()),
      DATABASE_URL: `postgres://aidb_app@${server.host}:${String(server.port)}/app`,
    };
  });
  afterAll(async () => {
    await backends.close();
  });

  it('serves with exact SQL, then indexes the old data once a superuser adds pgvector', async () => {
    const first = await startTestService({ env });
    try {
      const client = clientFor(first);
      await client.putCollection('kb');
      await client.ingestDocuments('kb', {
        documents: [{ id: 'old', content: 'written before pgvector was in the database' }],
      });
      expect((await client.getCollection('kb')).index).toBe('exact_sql');
    } finally {
      await first.stop();
    }

    await asSuperuser('CREATE EXTENSION vector');
    const second = await startTestService({ env });
    try {
      const client = clientFor(second);
      expect((await client.getCollection('kb')).index).toBe('pgvector');
      const search = await client.search('kb', { query: 'written before pgvector' });
      expect(search.results.map((r) => r.document_id)).toEqual(['old']);
      const { rows } = await second.deps.db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'pgvector_chunks' AND indexdef LIKE '%hnsw%'",
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
