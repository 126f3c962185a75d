import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopWatch {
  /** Worst event-loop delay (ms) since the previous call. */
  takeWorstMs(): number;
  stop(): void;
}

// 20 ms resolution is plenty for a stall threshold measured in seconds.
const resolutionMs = 20;

/** Measures event-loop delay continuously, for liveness: a stuck loop is what a restart fixes. */
export function watchEventLoop(): EventLoopWatch {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    takeWorstMs() {
      const worst = Number.isFinite(histogram.max) ? histogram.max / 1e6 : 0;
      histogram.reset();
      return worst;
    },
    stop: () => {
      histogram.disable();
    },
  };
}
