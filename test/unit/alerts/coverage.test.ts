import { describe, expect, it } from 'vitest';
import { coverageProblems } from '../../../alerts/coverage.ts';
import type { PromtoolTest, PromtoolTestFile } from '../../../alerts/promtool-tests.ts';

const firing = (alertname: string): PromtoolTest => ({
  name: `${alertname} fires`,
  interval: '1m',
  input_series: [],
  alert_rule_test: [
    { eval_time: '1m', alertname, exp_alerts: [{ exp_labels: {}, exp_annotations: {} }] },
  ],
});
const silent = (alertname: string): PromtoolTest => ({
  name: `${alertname} stays silent`,
  interval: '1m',
  input_series: [],
  alert_rule_test: [{ eval_time: '1m', alertname, exp_alerts: [] }],
});
const file = (...tests: PromtoolTest[]): PromtoolTestFile => ({
  rule_files: [],
  evaluation_interval: '1m',
  tests,
});

describe('coverage gate', () => {
  const cases: readonly { name: string; files: PromtoolTestFile[]; problems: string[] }[] = [
    {
      name: 'an alert with a firing and a silent test passes.',
      files: [file(firing('AidbX'), silent('AidbX'))],
      problems: [],
    },
    {
      name: 'a test naming an unknown alert should fail (promtool 2.42 passes it).',
      files: [file(firing('AidbX'), silent('AidbX'), silent('AidbTypo'))],
      problems: ['test "AidbTypo stays silent" names unknown alert AidbTypo'],
    },
    {
      name: 'an alert without a firing test should fail.',
      files: [file(silent('AidbX'))],
      problems: ['alert AidbX has no firing test'],
    },
    {
      name: 'an alert without a silent test should fail.',
      files: [file(firing('AidbX'))],
      problems: ['alert AidbX has no silent test'],
    },
    {
      name: 'an alert without any test should fail.',
      files: [file()],
      problems: ['alert AidbX has no firing test', 'alert AidbX has no silent test'],
    },
  ];

  it.each(cases)('$name', ({ files, problems }) => {
    expect(coverageProblems(['AidbX'], [], files)).toEqual(problems);
  });

  it('a recording rule without a value test should fail.', () => {
    expect(coverageProblems([], ['job:x:rate5m'], [file()])).toEqual([
      'recording rule job:x:rate5m has no value test',
    ]);
  });

  it('a value test names its recording rule exactly, not one whose name it contains.', () => {
    const test: PromtoolTest = {
      name: 'value',
      interval: '1m',
      input_series: [],
      promql_expr_test: [{ expr: 'round(job:x:rate5m * 10000)', eval_time: '5m', exp_samples: [] }],
    };
    expect(coverageProblems([], ['job:x:rate5m', 'job:x:rate5'], [file(test)])).toEqual([
      'recording rule job:x:rate5 has no value test',
    ]);
  });
});
