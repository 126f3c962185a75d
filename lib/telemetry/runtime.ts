import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import {
  buildInfo,
  eventLoopDelay,
  gcDuration,
  heapSize,
  processCpu,
  processResidentMemory,
  processStartTime,
} from '../../catalog/metrics/runtime.ts';
import type { CatalogMeter } from './catalog-meter.ts';

export interface RuntimeMetricsOptions {
  /** Version of the running build (`aidb_build_info{version}`). */
  readonly version: string;
}

export interface RuntimeMetrics {
  /** Stops the event-loop monitor and the GC observer; idempotent. */
  stop(): void;
}

type GcKind = 'major' | 'minor' | 'incremental' | 'weakcb';

const gcKinds: ReadonlyMap<number, GcKind> = new Map([
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

// 10 ms is the resolution prom-client uses; finer sampling costs a timer wake-up per period.
const eventLoopResolutionMs = 10;

/**
 * The process and Node.js runtime metrics every aidb process exports (catalog
 * `runtimeMetrics`). Values are read when `/metrics` is scraped; GC pauses are recorded as
 * they happen.
 */
export function registerRuntimeMetrics(
  meter: CatalogMeter,
  options: RuntimeMetricsOptions,
): RuntimeMetrics {
  const startSeconds = (Date.now() - performance.now()) / 1000;
  const loop = monitorEventLoopDelay({ resolution: eventLoopResolutionMs });
  loop.enable();

  meter.observableGauge(processStartTime, (report) => {
    report(startSeconds, {});
  });
  meter.observableCounter(processCpu, (report) => {
    const { user, system } = process.cpuUsage();
    report((user + system) / 1e6, {});
  });
  meter.observableGauge(processResidentMemory, (report) => {
    report(process.memoryUsage.rss(), {});
  });
  meter.observableGauge(heapSize, (report) => {
    const heap = getHeapStatistics();
    report(heap.used_heap_size, { state: 'used' });
    report(heap.total_heap_size, { state: 'total' });
    report(heap.heap_size_limit, { state: 'limit' });
  });
  meter.observableGauge(eventLoopDelay, (report) => {
    // The histogram holds nanoseconds and is reset per scrape, so each value covers the time
    // since the previous scrape. Before the first sample it reports NaN: report 0 instead.
    const seconds = (ns: number): number => (Number.isFinite(ns) ? ns / 1e9 : 0);
    report(seconds(loop.percentile(50)), { stat: 'p50' });
    report(seconds(loop.percentile(90)), { stat: 'p90' });
    report(seconds(loop.percentile(99)), { stat: 'p99' });
    report(seconds(loop.max), { stat: 'max' });
    loop.reset();
  });
  meter.observableGauge(buildInfo, (report) => {
    report(1, { version: options.version, nodejs_version: process.version });
  });

  const gc = meter.histogram(gcDuration);
  // A label set per kind, made once: collections come often under load.
  const gcLabels = new Map([...gcKinds.values()].map((kind) => [kind, Object.freeze({ kind })]));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      const kind = gcKinds.get(detail?.kind ?? -1);
      const labels = kind === undefined ? undefined : gcLabels.get(kind);
      if (labels !== undefined) gc.record(entry.duration / 1000, labels);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      loop.disable();
      observer.disconnect();
    },
  };
}
