import type { MetricDef } from '../catalog/types.ts';
import type { LabelValues } from '../lib/telemetry/catalog-meter.ts';
import { formatNumber, quote } from '../lib/promql/index.ts';
import type { InputSeries } from './model.ts';

/**
 * Input series for promtool tests, typed against the catalog like the rules themselves, and
 * labelled as a real scrape labels them: job and instance.
 */
export interface Target {
  readonly job: string;
  readonly instance: string;
}

function seriesText(name: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${quote(value)}`);
  return `${name}{${pairs.join(',')}}`;
}

function scrapeLabels(target: Target, labels: object): Record<string, string> {
  return { ...(labels as Record<string, string>), job: target.job, instance: target.instance };
}

/** One series of a gauge or counter, or the `_count` series of a histogram. */
export function input<D extends MetricDef>(
  def: D,
  target: Target,
  labels: LabelValues<D>,
  values: string,
  suffix: '' | '_count' = '',
): InputSeries {
  return { series: seriesText(`${def.name}${suffix}`, scrapeLabels(target, labels)), values };
}

/** `start`, then `step` added each interval, `count` times: promtool's `a+bxn`. */
export function ramp(start: number, step: number, count: number): string {
  return `${formatNumber(start)}+${formatNumber(step)}x${String(count)}`;
}

/** `value` repeated over `count` intervals (count + 1 samples). */
export function steady(value: number, count: number): string {
  return `${formatNumber(value)}x${String(count)}`;
}

export interface Observations {
  /** Observed value (seconds, or whatever the histogram measures). */
  readonly value: number;
  /** Observations of that value per interval. */
  readonly perInterval: number;
}

/**
 * Every series of a histogram (each bucket, `+Inf`, `_count`, `_sum`) for a steady mix of
 * observations over `count` intervals.
 */
export function histogramInput<D extends MetricDef>(
  def: D,
  target: Target,
  labels: LabelValues<D>,
  observations: readonly Observations[],
  count: number,
): InputSeries[] {
  const base = scrapeLabels(target, labels);
  const below = (bound: number) =>
    observations.filter((o) => o.value <= bound).reduce((n, o) => n + o.perInterval, 0);
  const total = below(Infinity);
  const bounds = [
    ...(def.buckets ?? []).map((b) => [String(b), below(b)] as const),
    ['+Inf', total] as const,
  ];
  const sum = observations.reduce((s, o) => s + o.value * o.perInterval, 0);
  return [
    ...bounds.map(([le, n]) => ({
      series: seriesText(`${def.name}_bucket`, { ...base, le }),
      values: ramp(0, n, count),
    })),
    { series: seriesText(`${def.name}_count`, base), values: ramp(0, total, count) },
    {
      series: seriesText(`${def.name}_sum`, base),
      values: ramp(0, Number(sum.toPrecision(12)), count),
    },
  ];
}
