import {
  cacheRequests,
  chunksEmbedded,
  collectionsCount,
  documentsCount,
  documentsIngested,
  embeddingBatchSize,
  embeddingDuration,
  gcDeleted,
  gcRuns,
  searchDuration,
  searchResults,
} from '../../catalog/metrics/knowledge.ts';
import {
  dashboardScope,
  histogramQuantile,
  increase,
  max,
  rate,
  rateInterval,
  ratio,
  selectors,
  sum,
} from '../../lib/promql/index.ts';

const s = selectors(dashboardScope);

export const knowledgeQueries = {
  ingested: sum([], rate(s.counter(documentsIngested), rateInterval)),
  embedded: sum([], rate(s.counter(chunksEmbedded), rateInterval)),
  embeddingLatency: (q: number) =>
    histogramQuantile(q, ['backend'], rate(s.buckets(embeddingDuration), rateInterval)),
  batchSize: (q: number) =>
    histogramQuantile(q, ['backend'], rate(s.buckets(embeddingBatchSize), rateInterval)),
  searchLatency: (q: number) =>
    histogramQuantile(q, ['index', 'mode'], rate(s.buckets(searchDuration), rateInterval)),
  searchResults: (q: number) =>
    histogramQuantile(q, ['index'], rate(s.buckets(searchResults), rateInterval)),
  cacheHitRatio: ratio(
    ['cache'],
    rate(s.counter(cacheRequests, { result: 'hit' }), rateInterval),
    rate(s.counter(cacheRequests), rateInterval),
  ),
  // Every instance reports the same database totals, so the largest report is the total.
  documents: max([], s.gauge(documentsCount)),
  collections: max([], s.gauge(collectionsCount)),
  gcDeleted: sum(['kind'], increase(s.counter(gcDeleted), rateInterval)),
  gcRuns: sum(['mode', 'result'], increase(s.counter(gcRuns), rateInterval)),
};
