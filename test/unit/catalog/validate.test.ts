import { describe, expect, it } from 'vitest';
import { allMetrics } from '../../../catalog/metrics.ts';
import { defineMetric, type LabelOf, type MetricDef } from '../../../catalog/types.ts';
import { catalogProblems } from '../../../catalog/validate.ts';

/** A valid counter; each case below changes one thing about it. */
function counter(overrides: Partial<MetricDef> = {}): MetricDef {
  return {
    name: 'aidb_things_done_total',
    kind: 'counter',
    unit: 'count',
    help: 'Things done.',
    labels: { result: { values: ['ok', 'error'] } },
    emitters: ['service'],
    ...overrides,
  };
}

describe('catalogProblems', () => {
  it('accepts the real catalog', () => {
    expect(catalogProblems(allMetrics)).toEqual([]);
  });

  it('accepts a valid counter', () => {
    expect(catalogProblems([counter()])).toEqual([]);
  });

  const cases: readonly {
    name: string;
    defs: readonly MetricDef[];
    problems: readonly string[];
  }[] = [
    {
      name: 'a duplicate name should fail.',
      defs: [counter(), counter()],
      problems: ['aidb_things_done_total: declared more than once'],
    },
    {
      name: 'a counter without _total should fail.',
      defs: [counter({ name: 'aidb_things_done' })],
      problems: ['aidb_things_done: a counter name must end in _total'],
    },
    {
      name: 'a gauge ending in _total should fail.',
      defs: [counter({ kind: 'gauge' })],
      problems: ['aidb_things_done_total: only counters may end in _total'],
    },
    {
      name: 'a seconds metric without _seconds should fail.',
      defs: [counter({ name: 'aidb_wait_total', unit: 'seconds' })],
      problems: ['aidb_wait_total: unit seconds needs the name to end in _seconds_total'],
    },
    {
      name: 'a bytes gauge without _bytes should fail.',
      defs: [counter({ name: 'aidb_dump_size', kind: 'gauge', unit: 'bytes' })],
      problems: ['aidb_dump_size: unit bytes needs the name to end in _bytes'],
    },
    {
      name: 'a count whose name claims seconds should fail.',
      defs: [counter({ name: 'aidb_wait_seconds', kind: 'gauge' })],
      problems: ['aidb_wait_seconds: unit count contradicts the unit suffix of the name'],
    },
    {
      name: 'milliseconds in the name should fail.',
      defs: [counter({ name: 'aidb_wait_milliseconds', kind: 'gauge' })],
      problems: ['aidb_wait_milliseconds: _milliseconds is not a base unit; use seconds or bytes'],
    },
    {
      name: 'a camelCase name should fail.',
      defs: [counter({ name: 'aidbThingsDone_total' })],
      problems: ['aidbThingsDone_total: name must be snake_case ([a-z][a-z0-9_]*)'],
    },
    {
      name: 'a label outside snake_case should fail.',
      defs: [counter({ labels: { resultCode: { values: ['ok'] } } })],
      problems: ['aidb_things_done_total: label resultCode must be snake_case'],
    },
    {
      name: 'a label reserved by Prometheus should fail.',
      defs: [counter({ labels: { instance: { values: ['a'] } } })],
      problems: ['aidb_things_done_total: label instance is reserved by Prometheus'],
    },
    {
      name: 'a label with no values should fail.',
      defs: [counter({ labels: { result: { values: [] } } })],
      problems: ['aidb_things_done_total: label result declares no values'],
    },
    {
      name: 'empty help should fail.',
      defs: [counter({ help: ' ' })],
      problems: ['aidb_things_done_total: help text is empty'],
    },
    {
      name: 'a histogram without buckets should fail.',
      defs: [counter({ name: 'aidb_wait_seconds', kind: 'histogram', unit: 'seconds' })],
      problems: ['aidb_wait_seconds: a histogram needs explicit bucket bounds'],
    },
    {
      name: 'unsorted buckets should fail.',
      defs: [
        counter({
          name: 'aidb_wait_seconds',
          kind: 'histogram',
          unit: 'seconds',
          buckets: [1, 0.5],
        }),
      ],
      problems: ['aidb_wait_seconds: bucket bounds must be strictly ascending'],
    },
    {
      name: 'buckets on a counter should fail.',
      defs: [counter({ buckets: [1] })],
      problems: ['aidb_things_done_total: only histograms have buckets'],
    },
    {
      name: 'a metric emitted by nobody should fail.',
      defs: [counter({ emitters: [] })],
      problems: ['aidb_things_done_total: emitted by nobody'],
    },
    {
      name: 'a compatibility name is exempt from the unit suffix, not from the _total rule.',
      defs: [
        counter({
          name: 'probe_ssl_earliest_cert_expiry',
          kind: 'gauge',
          unit: 'timestamp',
          compatibility: 'blackbox',
        }),
        counter({ name: 'legacy_checks', unit: 'count', compatibility: 'original' }),
      ],
      problems: ['legacy_checks: a counter name must end in _total'],
    },
    {
      name: 'a name ending in a histogram series suffix should fail.',
      defs: [counter({ name: 'aidb_results_count', kind: 'gauge' })],
      problems: ['aidb_results_count: _count is reserved for histogram series'],
    },
  ];

  it('has every case of the table', () => {
    expect(cases).toHaveLength(18);
  });

  it.each(cases)('$name', ({ defs, problems }) => {
    expect(catalogProblems(defs)).toEqual(problems);
  });
});

describe('defineMetric', () => {
  it('keeps the name and label names as literal types', () => {
    const def = defineMetric({
      name: 'aidb_x_total',
      kind: 'counter',
      unit: 'count',
      help: 'x',
      labels: { result: { values: ['ok'] } },
      emitters: ['service'],
    });
    const name: 'aidb_x_total' = def.name;
    const label: LabelOf<typeof def> = 'result';
    // @ts-expect-error: a label the metric does not declare is a type error.
    const missing: LabelOf<typeof def> = 'nope';
    expect([name, label, missing]).toEqual(['aidb_x_total', 'result', 'nope']);
  });
});
