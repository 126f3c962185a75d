import type pg from 'pg';
import { postgresPoolConnections, postgresPoolMax } from '../../catalog/metrics/dependencies.ts';
import { collectionsCount, documentsCount } from '../../catalog/metrics/knowledge.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import { countRows, type RowCounts } from '../store/sql.ts';

// Counting rows costs a scan; between scrapes closer than this the last count is reported.
const countTtlMs = 15_000;

interface PoolFigures {
  readonly idle: number;
  readonly used: number;
  readonly waiting: number;
}

/**
 * The pool as a caller sees it. pg-pool queues every request, even one an idle client can take,
 * and hands the client over on the next tick: a queued request with a client idle is not waiting
 * for a connection, and counting it made an idle service report waiting callers.
 */
function poolFigures(pool: pg.Pool): PoolFigures {
  return {
    idle: pool.idleCount,
    used: pool.totalCount - pool.idleCount,
    waiting: pool.idleCount > 0 ? 0 : pool.waitingCount,
  };
}

/**
 * Gauges read from the database and its pool when Prometheus scrapes. The row counts take a
 * connection of the pool they describe: one count runs per scrape whichever gauge asks first
 * (OTel calls the callbacks side by side), and while it runs the pool gauge reports the pool as
 * it was before the scrape's own query, so a scrape never shows itself as load.
 */
export function registerStoreGauges(
  meter: CatalogMeter,
  pool: pg.Pool,
  poolMax: number,
  now: () => number = Date.now,
): void {
  let last: { at: number; counts: RowCounts } | undefined;
  let counting: { before: PoolFigures; done: Promise<RowCounts | undefined> } | undefined;
  const counts = (): Promise<RowCounts | undefined> => {
    if (last !== undefined && now() - last.at <= countTtlMs) return Promise.resolve(last.counts);
    if (counting === undefined) {
      const before = poolFigures(pool);
      // A scrape during an outage reports nothing rather than failing the whole exposition.
      const done = countRows(pool)
        .then((fresh) => {
          last = { at: now(), counts: fresh };
          return fresh;
        })
        .catch(() => last?.counts)
        .finally(() => {
          counting = undefined;
        });
      counting = { before, done };
    }
    return counting.done;
  };
  meter.observableGauge(collectionsCount, async (report) => {
    const current = await counts();
    if (current !== undefined) report(current.collections, {});
  });
  meter.observableGauge(documentsCount, async (report) => {
    const current = await counts();
    if (current !== undefined) report(current.documents, {});
  });
  meter.observableGauge(postgresPoolConnections, (report) => {
    const figures = counting?.before ?? poolFigures(pool);
    report(figures.idle, { state: 'idle' });
    report(figures.used, { state: 'used' });
    report(figures.waiting, { state: 'waiting' });
  });
  meter.observableGauge(postgresPoolMax, (report) => {
    report(poolMax, {});
  });
}
