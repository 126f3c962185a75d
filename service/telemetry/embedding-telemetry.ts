import type { EmbedderBackend } from '../../catalog/labels.ts';
import { embeddingBatchSize, embeddingDuration } from '../../catalog/metrics/knowledge.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import { labelSets1 } from './label-sets.ts';

/** Embedding batches: how long each took and how many texts it held. */
export interface EmbeddingTelemetry {
  embedded(backend: EmbedderBackend, seconds: number, batch: number): void;
}

export function createEmbeddingTelemetry(meter: CatalogMeter): EmbeddingTelemetry {
  const duration = meter.histogram(embeddingDuration);
  const batchSize = meter.histogram(embeddingBatchSize);
  const labels = labelSets1((backend: EmbedderBackend) => ({ backend }));
  return {
    embedded: (backend, seconds, batch) => {
      duration.record(seconds, labels(backend));
      batchSize.record(batch, labels(backend));
    },
  };
}
