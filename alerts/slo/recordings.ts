import { allSlos, type SloDef } from '../../catalog/slos.ts';
import type { MetricDef } from '../../catalog/types.ts';
import {
  durationSeconds,
  formatDuration,
  jobScope,
  rate,
  selectors,
  sub,
  sum,
  type Duration,
  type Expr,
  type Selectors,
  type SeriesDef,
} from '../../lib/promql/index.ts';
import { recordingName } from '../conventions.ts';
import { histogramInput, input, ramp, type Target } from '../fixtures.ts';
import type { InputSeries, RecordingSpec } from '../model.ts';

/**
 * SLI recording rules: per SLO and window, the rate of bad requests and of all requests, each
 * summed over the service's instances. Ratios are always taken from these two sums, never by
 * averaging per-instance ratios. Dashboards read the same series.
 */
export type SloSeries = SeriesDef<
  string,
  { readonly slo: { readonly values: readonly string[] } },
  'gauge'
> & { readonly recorded: true };

function recorded(metric: string, window: Duration): SloSeries {
  return {
    name: recordingName(['job'], metric, `rate${window}`),
    kind: 'gauge',
    unit: 'count',
    labels: { slo: { values: allSlos.map((slo) => slo.name) } },
    scopeLabels: ['job'],
    recorded: true,
  };
}

export const sloErrorsSeries = (window: Duration): SloSeries => recorded('aidb_slo_errors', window);
export const sloRequestsSeries = (window: Duration): SloSeries =>
  recorded('aidb_slo_requests', window);

function nonEmpty(values: readonly string[], what: string): readonly [string, ...string[]] {
  const [first, ...rest] = values;
  if (first === undefined) throw new RangeError(`alerts: ${what} lists nothing`);
  return [first, ...rest];
}

/** Bad and all requests per second of one SLO over one window. */
export function sliRates(
  slo: SloDef,
  window: Duration,
  s: Selectors,
): { readonly errors: Expr<'aggregated', 'job'>; readonly requests: Expr<'aggregated', 'job'> } {
  const { sli } = slo;
  if (sli.kind === 'availability') {
    const status = (matcher: { re: string } | { notRe: string }) =>
      sum(['job'], rate(s.count(sli.metric, { http_response_status_code: matcher }), window));
    return {
      errors: status({ re: sli.errorStatus }),
      requests: status({ notRe: sli.excludedStatus }),
    };
  }
  const routes = { http_route: { oneOf: nonEmpty(sli.routes, `SLO ${slo.name} routes`) } };
  const requests = sum(['job'], rate(s.count(sli.metric, routes), window));
  const fast = sum(['job'], rate(s.buckets(sli.metric, routes, sli.thresholdSeconds), window));
  return { errors: sub(requests, fast), requests };
}

export interface Traffic {
  /** Good requests per sample interval. */
  readonly good: number;
  /** Bad requests per sample interval (server errors, or slower than the latency bound). */
  readonly bad: number;
  /** Sample intervals. */
  readonly count: number;
}

/** Input series of the SLI's histogram for a steady traffic mix. */
export function sliInput(slo: SloDef, target: Target, traffic: Traffic): InputSeries[] {
  const { sli } = slo;
  const { good, bad, count } = traffic;
  // The SLO types its histogram by the labels it reads; fixtures label every declared one.
  const metric: MetricDef = sli.metric;
  if (sli.kind === 'availability') {
    const statusSeries = (code: string, n: number) =>
      input(
        metric,
        target,
        {
          http_request_method: 'GET',
          http_route: '/v1/collections',
          http_response_status_code: code,
        },
        ramp(0, n, count),
        '_count',
      );
    return [
      statusSeries('200', good),
      statusSeries('503', bad),
      // Client errors are left out of the SLI altogether; this series must not count.
      statusSeries('404', good + bad),
    ];
  }
  const route = sli.routes[0] ?? '';
  return histogramInput(
    metric,
    target,
    { http_request_method: 'POST', http_route: route, http_response_status_code: '200' },
    [
      { value: sli.thresholdSeconds / 2, perInterval: good },
      { value: sli.thresholdSeconds * 4, perInterval: bad },
    ],
    count,
  );
}

// Value tests: one request per second, a tenth of it bad, in every window. Samples are spaced a
// tenth of the window apart (a multiple of 10 s, so the counts are whole) and the window is
// fully covered, so rate() needs no extrapolation and the expected values are exact.
/** The two recording rules of one SLO and window, each with its value test. */
export function sloRecordings(slo: SloDef, window: Duration, serviceJob: string): RecordingSpec[] {
  const { errors, requests } = sliRates(slo, window, selectors(jobScope(serviceJob)));
  const target = { job: serviceJob, instance: 'aidb-0:8091' };
  const step = durationSeconds(window) / 10;
  const test = (value: `${number}`) => ({
    name: `records the ${window} rate of ${slo.name}`,
    interval: formatDuration(step),
    series: sliInput(slo, target, { good: step * 0.9, bad: step * 0.1, count: 10 }),
    at: window,
    samples: [{ labels: { job: serviceJob, slo: slo.name }, value }],
  });
  return [
    {
      kind: 'record',
      series: sloErrorsSeries(window),
      expr: errors,
      labels: { slo: slo.name },
      test: test('0.1'),
    },
    {
      kind: 'record',
      series: sloRequestsSeries(window),
      expr: requests,
      labels: { slo: slo.name },
      test: test('1'),
    },
  ];
}
