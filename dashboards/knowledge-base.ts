import { documentsCount } from '../catalog/metrics/knowledge.ts';
import { q, stat, timeseries } from './factories.ts';
import { knowledgeQueries as Q } from './queries/knowledge-base.ts';
import type { DashboardSpec } from './spec.ts';

export function knowledgeBaseDashboard(): DashboardSpec<'knowledge-base'> {
  return {
    id: 'knowledge-base',
    description:
      'What the knowledge base does: ingest, embedding, search, caches, size and garbage collection.',
    tags: ['service', 'knowledge'],
    jobsFrom: documentsCount,
    rows: [
      {
        title: 'Ingest and embedding',
        panels: [
          timeseries(
            {
              title: 'Ingest rate',
              question: 'How many documents and chunks are written per second?',
              description:
                'Documents written by ingest requests and chunks turned into vectors, per second.',
            },
            [q(Q.ingested, 'documents'), q(Q.embedded, 'chunks')],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'Embedding latency',
              question: 'How long does the embedder take per batch?',
              description:
                'Batch embedding duration percentiles by backend (built-in or HTTP server).',
            },
            [
              q(Q.embeddingLatency(0.5), 'p50 {{backend}}'),
              q(Q.embeddingLatency(0.99), 'p99 {{backend}}'),
            ],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'Embedding batch size',
              question: 'How full are the embedding batches?',
              description: 'Texts per embedding batch (median and p90) by backend.',
            },
            [q(Q.batchSize(0.5), 'p50 {{backend}}'), q(Q.batchSize(0.9), 'p90 {{backend}}')],
            { width: 8, min: 0, unit: 'short' },
          ),
        ],
      },
      {
        title: 'Search',
        panels: [
          timeseries(
            {
              title: 'Search latency',
              question: 'How fast does the vector index answer?',
              description: 'Index query duration percentiles by index and query mode.',
            },
            [
              q(Q.searchLatency(0.5), 'p50 {{index}} {{mode}}'),
              q(Q.searchLatency(0.99), 'p99 {{index}} {{mode}}'),
            ],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'Results per search',
              question: 'Do searches find anything?',
              description: 'Results returned per search (median and p90) by index.',
            },
            [q(Q.searchResults(0.5), 'p50 {{index}}'), q(Q.searchResults(0.9), 'p90 {{index}}')],
            { width: 8, min: 0, unit: 'short' },
          ),
          timeseries(
            {
              title: 'Cache hit ratio',
              question: 'Are the embedding and search caches doing their job?',
              description: 'Hits as a share of lookups, by cache.',
            },
            [q(Q.cacheHitRatio, '{{cache}}')],
            { width: 8, min: 0, max: 1 },
          ),
        ],
      },
      {
        title: 'Size and garbage collection',
        panels: [
          stat(
            {
              title: 'Documents',
              question: 'How many documents are stored?',
              description: 'Documents across all collections.',
            },
            [q(Q.documents, 'documents')],
            { base: 'blue' },
          ),
          stat(
            {
              title: 'Collections',
              question: 'How many collections exist?',
              description: 'Collections stored.',
            },
            [q(Q.collections, 'collections')],
            { base: 'blue' },
          ),
          timeseries(
            {
              title: 'GC deletions',
              question: 'What does garbage collection remove?',
              description: 'Items deleted by garbage collection per interval, by kind.',
            },
            [q(Q.gcDeleted, '{{kind}}')],
            {
              width: 6,
              unit: 'short',
              emptyByDesign:
                'Deletions happen only when expired documents or orphans exist; a fresh stack has none.',
            },
          ),
          timeseries(
            {
              title: 'GC runs',
              question: 'Does garbage collection run, and does it succeed?',
              description: 'Garbage-collection runs per interval, by mode and result.',
            },
            [q(Q.gcRuns, '{{mode}} {{result}}')],
            { width: 6, unit: 'short' },
          ),
        ],
      },
    ],
  };
}
