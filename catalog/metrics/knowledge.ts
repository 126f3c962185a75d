import { caches, embedderBackends, vectorIndexes } from '../labels.ts';
import { defineMetric } from '../types.ts';

export const documentsIngested = defineMetric({
  name: 'aidb_documents_ingested_total',
  kind: 'counter',
  unit: 'count',
  help: 'Documents written by ingest requests (created or replaced).',
  labels: {},
  emitters: ['service'],
});

export const chunksEmbedded = defineMetric({
  name: 'aidb_chunks_embedded_total',
  kind: 'counter',
  unit: 'count',
  help: 'Chunks of document text turned into vectors.',
  labels: {},
  emitters: ['service'],
});

export const embeddingDuration = defineMetric({
  name: 'aidb_embedding_duration_seconds',
  kind: 'histogram',
  unit: 'seconds',
  help: 'Time to embed one batch of texts, by backend.',
  labels: { backend: { values: embedderBackends } },
  emitters: ['service'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const embeddingBatchSize = defineMetric({
  name: 'aidb_embedding_batch_size',
  kind: 'histogram',
  unit: 'count',
  help: 'Texts per embedding batch, by backend.',
  labels: { backend: { values: embedderBackends } },
  emitters: ['service'],
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
});

export const searchDuration = defineMetric({
  name: 'aidb_search_duration_seconds',
  kind: 'histogram',
  unit: 'seconds',
  help: 'Time to query the vector index for one search, by index and query mode.',
  labels: { index: { values: vectorIndexes }, mode: { values: ['text', 'vector'] } },
  emitters: ['service'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

export const searchResults = defineMetric({
  name: 'aidb_search_results',
  kind: 'histogram',
  unit: 'count',
  help: 'Results returned per search.',
  labels: { index: { values: vectorIndexes } },
  emitters: ['service'],
  buckets: [0, 1, 3, 5, 10, 20, 50, 100],
});

export const cacheRequests = defineMetric({
  name: 'aidb_cache_requests_total',
  kind: 'counter',
  unit: 'count',
  help: 'Cache lookups by cache and result (hit or miss).',
  labels: { cache: { values: caches }, result: { values: ['hit', 'miss'] } },
  emitters: ['service'],
});

export const collectionsCount = defineMetric({
  name: 'aidb_collections',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Collections stored.',
  labels: {},
  emitters: ['service'],
});

export const documentsCount = defineMetric({
  name: 'aidb_documents',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Documents stored, across all collections.',
  labels: {},
  emitters: ['service'],
});

export const gcRuns = defineMetric({
  name: 'aidb_gc_runs_total',
  kind: 'counter',
  unit: 'count',
  help: 'Garbage-collection runs, by mode and result.',
  labels: { mode: { values: ['dry_run', 'apply'] }, result: { values: ['success', 'failure'] } },
  emitters: ['service'],
});

export const gcDeleted = defineMetric({
  name: 'aidb_gc_deleted_total',
  kind: 'counter',
  unit: 'count',
  help: 'Items deleted by garbage collection: expired documents (their chunks go with them) and orphaned Qdrant points.',
  labels: { kind: { values: ['document', 'qdrant_point'] } },
  emitters: ['service'],
});

export const knowledgeMetrics = [
  documentsIngested,
  chunksEmbedded,
  embeddingDuration,
  embeddingBatchSize,
  searchDuration,
  searchResults,
  cacheRequests,
  collectionsCount,
  documentsCount,
  gcRuns,
  gcDeleted,
];
