import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsOf } from '../../../catalog/metrics.ts';
import { createPrometheusMetrics } from '../../../lib/telemetry/prometheus.ts';
import { migrate } from '../../../service/store/migrate.ts';
import { createLogger } from '../../../lib/logger.ts';
import { openPglite } from '../../../service/store/pglite.ts';
import { registerStoreGauges } from '../../../service/telemetry/store-gauges.ts';
import { valueOf } from '../agent/harness.ts';

describe('the PostgreSQL pool gauges on the embedded profile (real PGlite)', () => {
  let dir: string;
  let db: Awaited<ReturnType<typeof openPglite>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aidb-pool-gauges-'));
    db = await openPglite(dir, createLogger({ level: 'silent', name: 'test' }));
    await migrate(db.pool);
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('report no waiting and no used connection on an idle pool, scrape after scrape', async () => {
    let now = 0;
    const metrics = createPrometheusMetrics({
      serviceName: 'aidb',
      serviceVersion: '0.0.0-test',
      metrics: metricsOf('service'),
      env: {},
    });
    registerStoreGauges(metrics.meter, db.pool, 1, () => now);
    const scrapes = [];
    // Each scrape past the row-count cache: the scrape's own count query runs every time.
    for (let i = 0; i < 4; i += 1) {
      now += 60_000;
      const text = await metrics.render();
      scrapes.push(
        ['idle', 'used', 'waiting'].map((state) =>
          valueOf(text, 'aidb_postgres_pool_connections', { state }),
        ),
      );
      expect(valueOf(text, 'aidb_documents', {})).toBe(0);
    }
    expect(scrapes).toEqual([
      [expect.any(Number), 0, 0],
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });

  it('still report a caller queued behind the only connection as waiting', async () => {
    const metrics = createPrometheusMetrics({
      serviceName: 'aidb',
      serviceVersion: '0.0.0-test',
      metrics: metricsOf('service'),
      env: {},
    });
    registerStoreGauges(metrics.meter, db.pool, 1, () => 0);
    const held = await db.pool.connect();
    const queued = db.pool.query('SELECT 1');
    // The scrape's own count queues behind the held client too: let go once it has asked.
    const rendering = metrics.render();
    await new Promise((resolve) => setImmediate(resolve));
    held.release();
    const text = await rendering;
    await queued;
    expect(
      ['idle', 'used', 'waiting'].map((state) =>
        valueOf(text, 'aidb_postgres_pool_connections', { state }),
      ),
    ).toEqual([0, 1, 1]);
  });
});
