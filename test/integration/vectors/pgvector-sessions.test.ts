import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import { insertCollection } from '../../../service/store/collections.ts';
import { migrate } from '../../../service/store/migrate.ts';
import { createPgvectorIndex } from '../../../service/vectors/pgvector.ts';

/**
 * The pool closes idle connections and opens new ones; the session settings a search needs
 * must reach every new connection without two queries ever running on it at once.
 */
describe('pgvector session settings', () => {
  let pglite: PGlite;
  let pool: pg.Pool;
  let index: ReturnType<typeof createPgvectorIndex>;
  const overlaps: number[] = [];

  beforeAll(async () => {
    pglite = await PGlite.create('memory://', { extensions: { vector } });
    pool = new pg.Pool(Object.assign(createPgConfig(pglite), { idleTimeoutMillis: 20 }));
    pool.on('connect', (client) => {
      let inFlight = 0;
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      // pool.query() passes a callback, a checked-out client's caller awaits the promise.
      Object.assign(client, {
        query: (...args: unknown[]) => {
          inFlight += 1;
          overlaps.push(inFlight);
          const callback = args.at(-1);
          if (typeof callback === 'function') {
            return query(...args.slice(0, -1), (...results: unknown[]) => {
              inFlight -= 1;
              (callback as (...r: unknown[]) => void)(...results);
            });
          }
          return query(...args).finally(() => {
            inFlight -= 1;
          });
        },
      });
    });
    await migrate(pool);
    index = createPgvectorIndex({ pool, logger: createLogger({ level: 'silent', name: 'test' }) });
    await index.prepare(pool);
  });

  afterAll(async () => {
    await index.close();
    await pool.end();
    await pglite.close();
  });

  it('reach a connection the pool opened after start-up, one query at a time', async () => {
    const collection = await insertCollection(pool, 'fresh', 3, {});
    if (collection === undefined) throw new Error('collection not created');
    await index.createCollection(collection, pool);
    await index.drained();
    // Every connection idles out; the search below runs on a new one.
    for (let i = 0; i < 100 && pool.totalCount > 0; i++) await sleep(10);
    expect(pool.totalCount).toBe(0);
    const before = overlaps.length;

    const hits = await index.search(collection, {
      vector: Float32Array.from([1, 0, 0]),
      limit: 5,
      offset: 0,
      minScore: undefined,
      filter: undefined,
    });

    expect(hits).toEqual([]);
    const sent = overlaps.slice(before);
    // The settings, then the search itself.
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sent)).toBe(1);
    const { rows } = await pool.query<{ ef: string }>(
      "SELECT current_setting('hnsw.ef_search') AS ef",
    );
    // pgvector's default is 40.
    expect(Number(rows[0]?.ef)).toBeGreaterThan(40);
  });
});
