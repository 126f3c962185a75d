import pg from 'pg';
import { minAvailable, replicas } from '../../../deploy/deployment.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AidbProcess } from '../../support/aidb-process.ts';
import { describeWith } from '../../support/not-checked.ts';
import { pgvectorMissing } from '../../support/pgvector.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { call, startServe } from '../../support/serve-process.ts';
import { waitFor } from '../../support/wait.ts';

const limits = {
  AIDB_RATE_LIMIT_SEARCH_PER_MINUTE: '100000',
  AIDB_RATE_LIMIT_WRITE_PER_MINUTE: '100000',
  AIDB_RATE_LIMIT_READ_PER_MINUTE: '100000',
};

/** Unrelated words per document, so a search for a document's text finds it first. */
function content(id: string): string {
  return `${id} ${id.split('').reverse().join('')} kettle ${id}x ${id}y harbour ${id}z`;
}

/**
 * Two `aidb serve` replicas on one PostgreSQL with pgvector and one Redis, traffic spread over
 * both, as a Deployment of two runs them (deploy/deployment.ts: replicas 2, a
 * PodDisruptionBudget of one unavailable).
 */
describeWith(
  pgvectorMissing(),
  'two replicas on one PostgreSQL with pgvector and one Redis',
  () => {
    let postgres: PostgresServer;
    let redis: RedisServer;
    let url: string;
    let db: pg.Pool;
    let stack: AidbProcess[] = [];
    let a: AidbProcess;
    let b: AidbProcess;
    const replica = () =>
      startServe({ AIDB_PROFILE: 'external', DATABASE_URL: url, REDIS_URL: redis.url, ...limits });

    async function count(sql: string): Promise<number> {
      const { rows } = await db.query<{ n: string }>(sql);
      return Number(rows[0]?.n);
    }

    beforeAll(async () => {
      [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
      url = await postgres.createDatabase('stack');
      db = new pg.Pool({ connectionString: url, max: 2 });
      // As many as the Deployment runs; A is the first, B the last.
      stack = await Promise.all(Array.from({ length: replicas }, () => replica()));
      [a, b] = [stack[0] as AidbProcess, stack.at(-1) as AidbProcess];
      for (const service of [a, b])
        await waitFor(
          `${service.url} ready`,
          async () => (await call(service.url, 'GET', '/health/ready')).status === 200,
        );
    });
    afterAll(async () => {
      await Promise.all(stack.map((service) => service.kill()));
      await db.end();
      await Promise.all([postgres.close(), redis.close()]);
    });

    it('a write through A is in the next search through B: no stale cached result', async () => {
      expect((await call(a.url, 'PUT', '/v1/collections/coherent', {})).status).toBe(201);
      const search = () =>
        call(b.url, 'POST', '/v1/collections/coherent/search', { query: 'lighthouse keeper' });
      const before = await search();
      expect(before.body).toMatchObject({ results: [], index: 'pgvector' });
      // Cached by B now; A's write must make B's next answer new.
      expect((await search()).body.results).toEqual([]);
      const ingest = await call(a.url, 'POST', '/v1/collections/coherent/documents', {
        documents: [{ id: 'lh', content: 'the lighthouse keeper' }],
      });
      expect(ingest.status).toBe(200);
      expect(
        (await search()).body.results.map((r: { document_id: string }) => r.document_id),
      ).toEqual(['lh']);
      expect((await call(a.url, 'DELETE', '/v1/collections/coherent/documents/lh')).status).toBe(
        204,
      );
      expect((await search()).body.results).toEqual([]);
    });

    it('both indexers drain the queue to zero, and search is complete while they catch up', async () => {
      expect((await call(a.url, 'PUT', '/v1/collections/bulk', {})).status).toBe(201);
      const ids = Array.from({ length: 1_200 }, (_, i) => `d${String(i)}`);
      const batches = Array.from({ length: 24 }, (_, i) => ids.slice(i * 50, i * 50 + 50));
      await Promise.all(
        batches.map(async (batch, i) => {
          const target = i % 2 === 0 ? a : b;
          const answer = await call(target.url, 'POST', '/v1/collections/bulk/documents', {
            documents: batch.map((id) => ({ id, content: content(id) })),
          });
          expect(answer.status).toBe(200);
        }),
      );
      // Catch-up: every document is found by its own text at once, queued or indexed.
      for (const id of ['d0', 'd599', 'd1199']) {
        const found = await call(
          id === 'd599' ? a.url : b.url,
          'POST',
          '/v1/collections/bulk/search',
          { query: content(id), limit: 1 },
        );
        expect(found.body.results[0]?.document_id).toBe(id);
      }
      await waitFor(
        'the queue to drain',
        async () => (await count('SELECT count(*) AS n FROM pgvector_pending')) === 0,
        { timeoutMs: 60_000 },
      );
      expect(await count('SELECT count(*) AS n FROM pgvector_chunks')).toBe(
        await count('SELECT count(*) AS n FROM chunks'),
      );
      // No deadlock was ever detected in the database.
      expect(
        await count(
          'SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()',
        ),
      ).toBe(0);
    });

    it('SIGKILL of one replica under load loses no acknowledged write; the other keeps serving and takes over its queue', async () => {
      expect((await call(b.url, 'PUT', '/v1/collections/kill', {})).status).toBe(201);
      const acknowledged: string[] = [];
      let survivorFailures = 0;
      let next = 0;
      const writer = async (target: () => AidbProcess, survivor: boolean) => {
        for (let i = 0; i < 40; i++) {
          const id = `k${String(next++)}`;
          try {
            const answer = await call(target().url, 'POST', '/v1/collections/kill/documents', {
              documents: [{ id, content: content(id) }],
            });
            if (answer.status === 200) acknowledged.push(id);
            else if (survivor) survivorFailures += 1;
          } catch {
            // The killed replica's connection breaks: that write was never acknowledged.
            if (survivor) survivorFailures += 1;
          }
        }
      };
      const load = Promise.all([
        writer(() => a, false),
        writer(() => a, false),
        writer(() => b, true),
        writer(() => b, true),
      ]);
      await waitFor('some writes through A', () => acknowledged.length >= 10);
      // The disruption the PodDisruptionBudget allows: all but minAvailable replicas go, A first.
      for (const victim of stack.slice(0, replicas - minAvailable)) await victim.kill();
      await load;
      expect(survivorFailures).toBe(0);
      const { rows } = await db.query<{ id: string }>(
        "SELECT d.id FROM documents d JOIN collections c ON c.id = d.collection_id WHERE c.name = 'kill'",
      );
      const stored = new Set(rows.map((row) => row.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      expect((await call(b.url, 'GET', '/health/ready')).status).toBe(200);
      // Rows A queued (or had claimed) are moved by B's indexer.
      await waitFor(
        'the queue to drain on the survivor',
        async () => (await count('SELECT count(*) AS n FROM pgvector_pending')) === 0,
        { timeoutMs: 60_000 },
      );
      const last = acknowledged.at(-1) ?? '';
      const found = await call(b.url, 'POST', '/v1/collections/kill/search', {
        query: content(last),
        limit: 1,
      });
      expect(found.body.results[0]?.document_id).toBe(last);
    });
  },
);
