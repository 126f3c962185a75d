import type pg from 'pg';
import { postgresPoolConnections, postgresPoolMax } from '../../catalog/metrics/dependencies.ts';
import { collectionsCount, documentsCount } from '../../catalog/metrics/knowledge.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import { countRows, type RowCounts } from '../store/sql.ts';

// Counting rows costs a scan; between scrapes closer than this the last count is reported.
const countTtlMs = 15_000;

/** Gauges read from the database and its pool when Prometheus scrapes. */
export function registerStoreGauges(meter: CatalogMeter, pool: pg.Pool, poolMax: number): void {
  let last: { at: number; counts: RowCounts } | undefined;
  const counts = async (): Promise<RowCounts | undefined> => {
    if (last === undefined || Date.now() - last.at > countTtlMs) {
      // A scrape during an outage reports nothing rather than failing the whole exposition.
      const fresh = await countRows(pool).catch(() => undefined);
      if (fresh !== undefined) last = { at: Date.now(), counts: fresh };
    }
    return last?.counts;
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
    report(pool.idleCount, { state: 'idle' });
    report(pool.totalCount - pool.idleCount, { state: 'used' });
    report(pool.waitingCount, { state: 'waiting' });
  });
  meter.observableGauge(postgresPoolMax, (report) => {
    report(poolMax, {});
  });
}
