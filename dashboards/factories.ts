import type { Expr } from '../lib/promql/index.ts';
import type { PanelSpec, QuerySpec } from './spec.ts';

type Options = Partial<Omit<PanelSpec, 'kind' | 'title' | 'question' | 'description' | 'queries'>>;

interface Text {
  readonly title: string;
  readonly question: string;
  readonly description: string;
}

export function q(expr: Expr<'aggregated' | 'scalar'>, legend: string): QuerySpec {
  return { expr, legend };
}

function panel(
  kind: PanelSpec['kind'],
  text: Text,
  queries: readonly QuerySpec[],
  options: Options,
  size: [number, number],
): PanelSpec {
  return { kind, ...text, queries, width: size[0], height: size[1], ...options };
}

export const timeseries = (text: Text, queries: readonly QuerySpec[], options: Options = {}) =>
  panel('timeseries', text, queries, options, [12, 8]);
export const stat = (text: Text, queries: readonly QuerySpec[], options: Options = {}) =>
  panel('stat', text, queries, options, [6, 4]);
export const stateTimeline = (text: Text, queries: readonly QuerySpec[], options: Options = {}) =>
  panel(
    'state-timeline',
    text,
    queries,
    { states: ['down', 'up'], min: 0, max: 1, ...options },
    [12, 8],
  );
export const bargauge = (text: Text, queries: readonly QuerySpec[], options: Options = {}) =>
  panel('bargauge', text, queries, options, [12, 8]);

/**
 * RED for a request-driven component: rate, errors (as a ratio of the rate), duration
 * percentiles. The three panels share a width so they line up as one row.
 */
export function redPanels(
  what: string,
  red: {
    readonly rate: QuerySpec;
    readonly errors: QuerySpec;
    readonly duration: readonly QuerySpec[];
  },
  width = 8,
): PanelSpec[] {
  return [
    timeseries(
      {
        title: `${what}: rate`,
        question: `How much ${what.toLowerCase()} work is there right now?`,
        description: `Per-second rate of ${what.toLowerCase()} operations.`,
      },
      [red.rate],
      { width },
    ),
    timeseries(
      {
        title: `${what}: errors`,
        question: `What share of ${what.toLowerCase()} operations fail?`,
        description: `Failed ${what.toLowerCase()} operations as a share of all of them.`,
      },
      [red.errors],
      {
        width,
        min: 0,
        thresholds: [
          { value: 0.01, color: 'orange' },
          { value: 0.05, color: 'red' },
        ],
      },
    ),
    timeseries(
      {
        title: `${what}: duration`,
        question: `How long do ${what.toLowerCase()} operations take?`,
        description: `Latency percentiles of ${what.toLowerCase()} operations, from the histogram buckets.`,
      },
      red.duration,
      { width, min: 0 },
    ),
  ];
}

/** USE for a pool-like resource: utilisation, saturation (waiting), and the limit for scale. */
export function usePanels(
  what: string,
  use: {
    readonly utilization: QuerySpec;
    readonly saturation: QuerySpec;
    readonly limit: QuerySpec;
  },
): PanelSpec[] {
  return [
    timeseries(
      {
        title: `${what}: utilisation`,
        question: `How much of the ${what.toLowerCase()} is in use?`,
        description: `${what} by state over time.`,
      },
      [use.utilization],
      { width: 12, min: 0 },
    ),
    stat(
      {
        title: `${what}: waiting`,
        question: `Is anyone queuing for the ${what.toLowerCase()}?`,
        description: `Callers waiting now; anything above zero means the ${what.toLowerCase()} is exhausted.`,
      },
      [use.saturation],
      { thresholds: [{ value: 1, color: 'red' }] },
    ),
    stat(
      {
        title: `${what}: limit`,
        question: `How large may the ${what.toLowerCase()} grow?`,
        description: `The configured maximum, for scale.`,
      },
      [use.limit],
      { base: 'blue' },
    ),
  ];
}
