import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dependencyErrors,
  dependencyOperationDuration,
} from '../../../catalog/metrics/dependencies.ts';
import { circuitBreakerState } from '../../../catalog/metrics/health.ts';
import { httpServerRequestDuration } from '../../../catalog/metrics/http.ts';
import { embeddingBatchSize } from '../../../catalog/metrics/knowledge.ts';
import { probeSuccess } from '../../../catalog/metrics/probes.ts';
import { processStartTime } from '../../../catalog/metrics/runtime.ts';
import {
  absent,
  and,
  dashboardScope,
  div,
  formatDuration,
  gt,
  histogramQuantile,
  increase,
  jobScope,
  max,
  quote,
  rate,
  rateInterval,
  ratio,
  regexLiteral,
  selectors,
  sub,
  sum,
  syntaxProblems,
  time,
  type Expr,
} from '../../../lib/promql/index.ts';

const rules = selectors(jobScope('aidb'));
const panels = selectors(dashboardScope);

const cases: readonly { name: string; expr: () => Expr; text: string; labels: string[] }[] = [
  {
    name: 'a counter rate summed by an allow-list drops otel_scope_* and sorts labels',
    expr: () => sum(['job', 'dependency'], rate(rules.counter(dependencyErrors), '5m')),
    text: 'sum by (dependency, job) (rate(aidb_dependency_errors_total{job="aidb"}[5m]))',
    labels: ['dependency', 'job'],
  },
  {
    name: 'a dashboard selector uses the job and instance variables and $__rate_interval',
    expr: () =>
      sum([], rate(panels.counter(dependencyErrors, { dependency: 'redis' }), rateInterval)),
    text: 'sum (rate(aidb_dependency_errors_total{job=~"$job",instance=~"$instance",dependency="redis"}[$__rate_interval]))',
    labels: [],
  },
  {
    name: 'a histogram quantile always sums by le plus the listed labels',
    expr: () =>
      histogramQuantile(
        0.99,
        ['http_route'],
        rate(panels.buckets(httpServerRequestDuration), rateInterval),
      ),
    text: 'histogram_quantile(0.99, sum by (http_route, le) (rate(http_server_request_duration_seconds_bucket{job=~"$job",instance=~"$instance"}[$__rate_interval])))',
    labels: ['http_route'],
  },
  {
    name: 'a ratio is a summed numerator over a summed denominator',
    expr: () =>
      ratio(
        ['job'],
        rate(rules.counter(dependencyErrors, { error_type: { noneOf: ['circuit_open'] } }), '5m'),
        rate(rules.count(dependencyOperationDuration), '5m'),
      ),
    text: 'sum by (job) (rate(aidb_dependency_errors_total{job="aidb",error_type!~"circuit_open"}[5m])) / sum by (job) (rate(aidb_dependency_operation_duration_seconds_count{job="aidb"}[5m]))',
    labels: ['job'],
  },
  {
    name: 'a non-integer le bound is selected as Prometheus 2 and 3 both write it',
    expr: () => sum(['job'], rate(rules.buckets(httpServerRequestDuration, {}, 0.25), '1h')),
    text: 'sum by (job) (rate(http_server_request_duration_seconds_bucket{job="aidb",le="0.25"}[1h]))',
    labels: ['job'],
  },
  {
    name: 'a comparison nests its binary operand in parentheses',
    expr: () => gt(sub(time(), max(['job', 'instance'], rules.gauge(processStartTime))), '86400.5'),
    text: '(time() - max by (instance, job) (process_start_time_seconds{job="aidb"})) > 86400.5',
    labels: ['instance', 'job'],
  },
  {
    name: 'absent keeps the pinned labels as its result labels',
    expr: () => absent(rules.gauge(probeSuccess, { probe: 'http' }), 'fires when missing'),
    text: 'absent(probe_success{job="aidb",probe="http"})',
    labels: ['job', 'probe'],
  },
  {
    name: 'and on a label subset keeps the left side',
    expr: () =>
      and(
        max(['job', 'instance', 'dependency'], rules.gauge(circuitBreakerState, { state: 'open' })),
        sum(['job', 'dependency'], increase(rules.counter(dependencyErrors), '10m')),
        { on: ['job', 'dependency'] },
      ),
    text: 'max by (dependency, instance, job) (aidb_circuit_breaker_state{job="aidb",state="open"}) and on (dependency, job) sum by (dependency, job) (increase(aidb_dependency_errors_total{job="aidb"}[10m]))',
    labels: ['dependency', 'instance', 'job'],
  },
];

describe('typed PromQL helpers', () => {
  it('has every case', () => {
    expect(cases).toHaveLength(8);
  });

  it.each(cases)('$name', ({ expr, text, labels }) => {
    const result = expr();
    expect(result.text).toBe(text);
    expect(result.labels).toEqual(labels);
    expect(
      syntaxProblems(result.text.replaceAll('$__rate_interval', '1m').replace(/\$\w+/g, '.+')),
    ).toEqual([]);
  });

  it('records every selector, marking those inside absent()', () => {
    const expr = absent(rules.gauge(probeSuccess), 'the agent is gone');
    expect(expr.selectors).toEqual([
      {
        text: 'probe_success{job="aidb"}',
        metric: 'probe_success',
        absentByDesign: 'the agent is gone',
      },
    ]);
  });

  it('derives units: ratio of two rates, seconds of a quantile, per second of a count rate', () => {
    expect(
      ratio(
        ['job'],
        rate(rules.counter(dependencyErrors), '5m'),
        rate(rules.count(dependencyOperationDuration), '5m'),
      ).unit,
    ).toBe('ratio');
    expect(
      histogramQuantile(0.5, [], rate(rules.buckets(httpServerRequestDuration), '5m')).unit,
    ).toBe('seconds');
    expect(rate(rules.counter(dependencyErrors), '5m').unit).toBe('perSecond');
    expect(sub(time(), max([], rules.gauge(processStartTime))).unit).toBe('seconds');
  });

  const errors: readonly { name: string; run: () => unknown; message: string }[] = [
    {
      name: 'an integer le bound should fail.',
      run: () => rules.buckets(embeddingBatchSize, {}, 4),
      message:
        'promql: le="4" of aidb_embedding_batch_size is an integer bound, which Prometheus 3 writes as "4.0"; select a non-integer bound',
    },
    {
      name: 'an undeclared le bound should fail.',
      run: () => rules.buckets(httpServerRequestDuration, {}, 0.3),
      message: 'promql: 0.3 is not a bucket bound of http_server_request_duration_seconds',
    },
    {
      name: 'dividing sides with different labels should fail.',
      run: () =>
        div(
          sum(['job'], rate(rules.counter(dependencyErrors), '5m')),
          sum(['job', 'dependency'], rate(rules.counter(dependencyErrors), '5m')),
        ),
      message:
        'promql: the sides of / carry different labels (job vs dependency, job); match them with on (…)',
    },
    {
      name: 'aggregating by a label the series lacks should fail.',
      run: () => sum(['le' as never], rate(rules.counter(dependencyErrors), '5m')),
      message:
        'promql: sum by (le): not a label of rate(aidb_dependency_errors_total{job="aidb"}[5m]) (has dependency, error_type, instance, job, operation)',
    },
    {
      name: 'a malformed duration should fail.',
      run: () => rate(rules.counter(dependencyErrors), '5 minutes' as '5m'),
      message: 'promql: "5 minutes" is not a duration like 5m, 1h or 3d',
    },
    {
      name: 'a float artefact as a threshold should fail.',
      run: () => gt(sum([], rate(rules.counter(dependencyErrors), '5m')), 14.4 * 0.001),
      message:
        'promql: 0.014400000000000001 cannot be written exactly; pass it as a decimal string instead',
    },
  ];

  it.each(errors)('$name', ({ run, message }) => {
    expect(run).toThrow(message);
  });

  it('type-checks label names, closed values and counter use against the catalog', () => {
    // Each line below must fail `tsc`; the runtime checks catch the same mistakes.
    expect(() =>
      // @ts-expect-error: `mysql` is not a declared dependency.
      rules.counter(dependencyErrors, { dependency: 'mysql' }),
    ).toThrow(
      'promql: aidb_dependency_errors_total{dependency="mysql"} is not declared in the catalog',
    );
    expect(() =>
      // @ts-expect-error: `db` is not a label of the metric.
      rules.counter(dependencyErrors, { db: 'postgres' }),
    ).toThrow('promql: aidb_dependency_errors_total declares no label db');
    expect(() =>
      // @ts-expect-error: a closed label takes listed values, not a regex.
      rules.counter(dependencyErrors, { dependency: { re: 'post.*' } }),
    ).toThrow('is a closed label');
    expect(() =>
      // @ts-expect-error: a raw counter cannot be aggregated; rate() it first.
      sum(['job'], rules.counter(dependencyErrors)),
    ).toThrow('promql: sum() takes gauge or vector or bucketRate or aggregated, not counter');
    expect(() =>
      // @ts-expect-error: probe_success is a gauge, and rate() takes counters only.
      rate(rules.gauge(probeSuccess), '5m'),
    ).toThrow('promql: rate() takes counter or buckets, not gauge');
    // @ts-expect-error: histograms are selected through buckets(), count() or sum().
    expect(() => rules.gauge(httpServerRequestDuration)).toThrow(
      'promql: http_server_request_duration_seconds is not a gauge',
    );
    expect(() =>
      // @ts-expect-error: otel_scope_name is not a label queries may keep.
      sum(['otel_scope_name'], rate(rules.counter(dependencyErrors), '5m')),
    ).toThrow('not a label of');
  });

  it('formats durations in their shortest exact unit', () => {
    expect([60, 300, 3600, 21_600, 259_200, 2_592_000, 90].map(formatDuration)).toEqual([
      '1m',
      '5m',
      '1h',
      '6h',
      '3d',
      '30d',
      '90s',
    ]);
  });

  it('quotes and regex-escapes any label value so it parses and matches only itself', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const expr = `up{a=${quote(value)},b=~${quote(regexLiteral(value))}}`;
        expect(syntaxProblems(expr)).toEqual([]);
        expect(new RegExp(`^(?:${regexLiteral(value)})$`).test(value)).toBe(true);
      }),
    );
  });
});
