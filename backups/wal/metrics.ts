/**
 * The point-in-time recovery and copy metrics of the catalog (catalog/metrics/backups-wal.ts),
 * recorded through the agent's CatalogMeter.
 */
import {
  copyLag,
  copyLastSuccess,
  copyPruned,
  walArchived,
  walLastArchived,
  walRpoTarget,
  walSlotRetained,
  walStreaming,
} from '../../catalog/metrics/backups-wal.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import type { CopyOutcome } from '../copies/copier.ts';

export interface WalMetrics {
  /** A WAL file archived, or the recovery point moved without one (nothing was written). */
  recoveryPoint(atMs: number): void;
  archived(): void;
  streaming(active: boolean): void;
  slotRetained(bytes: number): void;
  copied(outcome: CopyOutcome, atMs: number): void;
}

export function createWalMetrics(
  meter: CatalogMeter,
  options: { readonly rpoTargetSeconds: number; readonly copies: readonly string[] },
): WalMetrics {
  const last = meter.gauge(walLastArchived);
  const archived = meter.counter(walArchived);
  const streaming = meter.gauge(walStreaming);
  const retained = meter.gauge(walSlotRetained);
  const lag = meter.gauge(copyLag);
  const copySuccess = meter.gauge(copyLastSuccess);
  const pruned = meter.counter(copyPruned);
  meter.gauge(walRpoTarget).record(options.rpoTargetSeconds, {});
  archived.add(0, {});
  streaming.record(0, {});
  for (const copy of options.copies) {
    lag.record(0, { copy });
    pruned.add(0, { copy });
  }
  let newest = 0;
  return {
    recoveryPoint(atMs) {
      newest = Math.max(newest, atMs);
      last.record(newest / 1000, {});
    },
    archived: () => {
      archived.add(1, {});
    },
    streaming: (active) => {
      streaming.record(active ? 1 : 0, {});
    },
    slotRetained: (bytes) => {
      retained.record(bytes, {});
    },
    copied(outcome, atMs) {
      lag.record(outcome.lagSeconds, { copy: outcome.copy });
      if (outcome.ok) copySuccess.record(atMs / 1000, { copy: outcome.copy });
      pruned.add(outcome.pruned.backups.length, { copy: outcome.copy });
    },
  };
}
