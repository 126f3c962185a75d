import type { CacheName, VectorIndexKind } from '../../catalog/labels.ts';
import {
  cacheRequests,
  chunksEmbedded,
  documentsIngested,
  gcDeleted,
  gcRuns,
  searchDuration,
  searchResults,
} from '../../catalog/metrics/knowledge.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import { labelSets1, labelSets2 } from './label-sets.ts';

/** What the knowledge base did: documents stored, searches, cache lookups, garbage collected. */
export interface KnowledgeTelemetry {
  documentsIngested(count: number): void;
  chunksEmbedded(count: number): void;
  searched(index: VectorIndexKind, mode: 'text' | 'vector', seconds: number, results: number): void;
  cacheLookup(cache: CacheName, hit: boolean): void;
  collectedGarbage(
    dryRun: boolean,
    ok: boolean,
    deleted: { document: number; qdrant_point: number },
  ): void;
}

export function createKnowledgeTelemetry(meter: CatalogMeter): KnowledgeTelemetry {
  const ingested = meter.counter(documentsIngested);
  const embeddedChunks = meter.counter(chunksEmbedded);
  const search = meter.histogram(searchDuration);
  const results = meter.histogram(searchResults);
  const cache = meter.counter(cacheRequests);
  const gc = meter.counter(gcRuns);
  const gcDeletions = meter.counter(gcDeleted);
  // Counters a healthy service rarely moves exist from the first scrape, so rate() and alerts
  // see 0 rather than nothing.
  ingested.zero();
  embeddedChunks.zero();
  gc.zero();
  gcDeletions.zero();
  // Recorded on every search: pre-bound.
  const searchLabels = labelSets2((index: VectorIndexKind, mode: 'text' | 'vector') => ({
    index,
    mode,
  }));
  const resultLabels = labelSets1((index: VectorIndexKind) => ({ index }));
  const cacheLabels = labelSets2((name: CacheName, hit: boolean) => ({
    cache: name,
    result: hit ? ('hit' as const) : ('miss' as const),
  }));
  const none = Object.freeze({});
  return {
    documentsIngested: (count) => {
      ingested.add(count, none);
    },
    chunksEmbedded: (count) => {
      embeddedChunks.add(count, none);
    },
    searched: (index, mode, seconds, count) => {
      search.record(seconds, searchLabels(index, mode));
      results.record(count, resultLabels(index));
    },
    cacheLookup: (name, hit) => {
      cache.add(1, cacheLabels(name, hit));
    },
    collectedGarbage: (dryRun, ok, deleted) => {
      gc.add(1, { mode: dryRun ? 'dry_run' : 'apply', result: ok ? 'success' : 'failure' });
      for (const [kind, count] of Object.entries(deleted) as [keyof typeof deleted, number][])
        gcDeletions.add(count, { kind });
    },
  };
}
