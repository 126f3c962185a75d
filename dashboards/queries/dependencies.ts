import {
  dependencyErrors,
  dependencyOperationDuration,
  postgresPoolConnections,
  postgresPoolMax,
} from '../../catalog/metrics/dependencies.ts';
import {
  circuitBreakerState,
  circuitBreakerTransitions,
  dependencyHealthStatus,
} from '../../catalog/metrics/health.ts';
import {
  dashboardScope,
  histogramQuantile,
  increase,
  max,
  rate,
  rateInterval,
  selectors,
  sum,
} from '../../lib/promql/index.ts';

const s = selectors(dashboardScope);
/** Panels of the repeated row read the row's value of the `dependency` variable. */
const selected = { dependency: { variable: 'dependency' } } as const;

export const dependencyQueries = {
  variableSource: s.gauge(dependencyHealthStatus),
  up: max(['dependency'], s.gauge(dependencyHealthStatus, selected)),
  latency: (quantile: number) =>
    histogramQuantile(
      quantile,
      ['operation'],
      rate(s.buckets(dependencyOperationDuration, selected), rateInterval),
    ),
  errors: sum(['error_type'], rate(s.counter(dependencyErrors, selected), rateInterval)),
  calls: sum(['operation'], rate(s.count(dependencyOperationDuration, selected), rateInterval)),
  breakerState: max(['state'], s.gauge(circuitBreakerState, { ...selected, state: 'open' })),
  breakerTransitions: sum(
    ['state'],
    increase(s.counter(circuitBreakerTransitions, selected), rateInterval),
  ),
  poolByState: max(['state'], s.gauge(postgresPoolConnections)),
  poolMax: max([], s.gauge(postgresPoolMax)),
  poolWaiting: max([], s.gauge(postgresPoolConnections, { state: 'waiting' })),
};
