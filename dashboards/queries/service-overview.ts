import { healthCheckDuration, healthChecks } from '../../catalog/metrics/health.ts';
import { httpServerActiveRequests, httpServerRequestDuration } from '../../catalog/metrics/http.ts';
import type { SloDef } from '../../catalog/slos.ts';
import { sloModel } from '../../alerts/slo/model.ts';
import { sloErrorsSeries, sloRequestsSeries } from '../../alerts/slo/recordings.ts';
import {
  dashboardJobScope,
  dashboardScope,
  div,
  histogramQuantile,
  rate,
  rateInterval,
  ratio,
  selectors,
  sub,
  sum,
  type Duration,
} from '../../lib/promql/index.ts';

const s = selectors(dashboardScope);
const requests = rate(s.count(httpServerRequestDuration), rateInterval);
const serverErrors = rate(
  s.count(httpServerRequestDuration, { http_response_status_code: { re: '5..' } }),
  rateInterval,
);

export const overviewQueries = {
  requestsByRoute: sum(['http_route'], requests),
  errorRatioByRoute: ratio(['http_route'], serverErrors, requests),
  statusCodes: sum(['http_response_status_code'], requests),
  inFlight: sum(['instance'], s.gauge(httpServerActiveRequests)),
  latency: (quantile: number) =>
    histogramQuantile(
      quantile,
      ['http_route'],
      rate(s.buckets(httpServerRequestDuration), rateInterval),
    ),
  /** Probe answers (kubelet, agent, load balancer) per second, by probe kind and outcome. */
  healthAnswers: sum(['check_type', 'status'], rate(s.counter(healthChecks), rateInterval)),
  healthAnswerTime: (quantile: number) =>
    histogramQuantile(quantile, ['check_type'], rate(s.buckets(healthCheckDuration), rateInterval)),
  /** Over every route: what the API as a whole feels like (the per-route view has its panel). */
  overallLatency: (quantile: number) =>
    histogramQuantile(quantile, [], rate(s.buckets(httpServerRequestDuration), rateInterval)),
};

/** SLO panels read the recorded SLI series the alert rules write (job-level, no instance). */
export function sloQueries(slo: SloDef) {
  const recorded = selectors(dashboardJobScope);
  const only = { slo: slo.name };
  const errorRatio = (window: Duration) =>
    div(
      recorded.recorded(sloErrorsSeries(window), only),
      recorded.recorded(sloRequestsSeries(window), only),
    );
  const model = sloModel(slo);
  const compliance = model.windows.at(-1) ?? '30d';
  return {
    model,
    compliance,
    /** Share of good requests over the compliance window. */
    attainment: sub(1, errorRatio(compliance)),
    /** 1 = untouched budget, 0 = spent, negative = overspent. */
    budgetLeft: sub(1, div(errorRatio(compliance), model.budget)),
    burnRate: (window: Duration) => div(errorRatio(window), model.budget),
  };
}
