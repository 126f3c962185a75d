import {
  eventLoopDelay,
  gcDuration,
  heapSize,
  processCpu,
  processResidentMemory,
  processStartTime,
} from '../../catalog/metrics/runtime.ts';
import {
  changes,
  dashboardScope,
  grafanaRange,
  histogramQuantile,
  max,
  rate,
  rateInterval,
  selectors,
  sub,
  sum,
  time,
} from '../../lib/promql/index.ts';

const s = selectors(dashboardScope);
const perProcess = ['job', 'instance'] as const;

export const runtimeQueries = {
  eventLoop: max(
    [...perProcess, 'stat'],
    s.gauge(eventLoopDelay, { stat: { oneOf: ['p99', 'max'] } }),
  ),
  heap: max([...perProcess, 'state'], s.gauge(heapSize)),
  gcPause: histogramQuantile(
    0.99,
    [...perProcess, 'kind'],
    rate(s.buckets(gcDuration), rateInterval),
  ),
  gcTime: sum(perProcess, rate(s.sum(gcDuration), rateInterval)),
  cpu: sum(perProcess, rate(s.counter(processCpu), rateInterval)),
  memory: max(perProcess, s.gauge(processResidentMemory)),
  restarts: sum(perProcess, changes(s.gauge(processStartTime), grafanaRange)),
  uptime: sub(time(), max(perProcess, s.gauge(processStartTime))),
};
