import {
  authFailures,
  rateLimitDecisionsTotal,
  validationRejections,
} from '../../catalog/metrics/protection.ts';
import {
  dashboardScope,
  rate,
  rateInterval,
  ratio,
  selectors,
  sum,
} from '../../lib/promql/index.ts';

const s = selectors(dashboardScope);
const decisions = rate(s.counter(rateLimitDecisionsTotal), rateInterval);

export const protectionQueries = {
  decisions: sum(['policy', 'decision'], decisions),
  rejectedShare: ratio(
    ['policy'],
    rate(s.counter(rateLimitDecisionsTotal, { decision: 'rejected' }), rateInterval),
    decisions,
  ),
  byBackend: sum(['backend'], decisions),
  authFailures: sum(['reason'], rate(s.counter(authFailures), rateInterval)),
  validation: sum(['reason'], rate(s.counter(validationRejections), rateInterval)),
};
