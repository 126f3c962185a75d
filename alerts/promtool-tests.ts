import {
  durationSeconds,
  formatDuration,
  jobScope,
  mul,
  quote,
  round,
  selectors,
  type Duration,
} from '../lib/promql/index.ts';
import { mul as times, rational, toDecimal } from './slo/decimal.ts';
import type { AlertSpec, FamilySpec, FiringScenario, Scenario } from './model.ts';
import { rulesFileName } from './conventions.ts';
import { alertsOf, annotationsOf, labelsOf, recordingsOf, type LinkOptions } from './rules-file.ts';
import { renderTemplate } from './template.ts';

/** One `tests:` entry of a promtool rule test file (Prometheus 2.42 format). */
export interface PromtoolTest {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test?: readonly {
    readonly eval_time: string;
    readonly alertname: string;
    readonly exp_alerts: readonly {
      readonly exp_labels: Readonly<Record<string, string>>;
      readonly exp_annotations: Readonly<Record<string, string>>;
    }[];
  }[];
  readonly promql_expr_test?: readonly {
    readonly expr: string;
    readonly eval_time: string;
    readonly exp_samples: readonly { readonly labels: string; readonly value: number }[];
  }[];
}

export interface PromtoolTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: readonly PromtoolTest[];
}

// Evaluation for "no data" cases: long enough for any `for` of the families to have passed.
const noDataEval: Duration = '2h';
/** Rule evaluation interval of every generated test file. */
export const testEvaluationInterval: Duration = '1m';

function expectedAlert(
  family: FamilySpec,
  alert: AlertSpec,
  scenario: FiringScenario,
  options: LinkOptions,
) {
  const keys = Object.keys(scenario.labels).sort();
  if (keys.join() !== [...alert.expr.labels].sort().join()) {
    throw new RangeError(
      `alerts: test "${scenario.name}" of ${alert.name} gives labels ${keys.join(', ')}; the expression keeps ${alert.expr.labels.join(', ')}`,
    );
  }
  const annotations = annotationsOf(family, alert, options);
  return {
    exp_labels: { ...scenario.labels, ...labelsOf(alert) },
    exp_annotations: {
      ...annotations,
      summary: renderTemplate(alert.summary, scenario.labels),
      description: renderTemplate(alert.description, scenario.labels),
    },
  };
}

function firingTest(
  family: FamilySpec,
  alert: AlertSpec,
  scenario: FiringScenario,
  interval: Duration,
  evaluation: Duration,
  options: LinkOptions,
): PromtoolTest {
  const expected = expectedAlert(family, alert, scenario, options);
  const checks = [{ eval_time: scenario.at, alertname: alert.name, exp_alerts: [expected] }];
  // The `for` boundary: one evaluation before the alert has been active long enough, it is
  // still pending and must not be reported as firing.
  if (alert.for !== undefined && scenario.onset !== undefined) {
    const firesAt = durationSeconds(scenario.onset) + durationSeconds(alert.for);
    if (firesAt !== durationSeconds(scenario.at)) {
      throw new RangeError(
        `alerts: test "${scenario.name}" of ${alert.name} evaluates at ${scenario.at}, not at onset + for (${formatDuration(firesAt)})`,
      );
    }
    checks.unshift({
      eval_time: formatDuration(firesAt - durationSeconds(evaluation)),
      alertname: alert.name,
      exp_alerts: [],
    });
  }
  return {
    name: `${alert.name}: ${scenario.name}`,
    interval,
    input_series: scenario.series,
    alert_rule_test: checks,
  };
}

function silentTest(alert: AlertSpec, scenario: Scenario, interval: Duration): PromtoolTest {
  return {
    name: `${alert.name}: ${scenario.name}`,
    interval,
    input_series: scenario.series,
    alert_rule_test: [{ eval_time: scenario.at, alertname: alert.name, exp_alerts: [] }],
  };
}

function alertTests(family: FamilySpec, alert: AlertSpec, options: LinkOptions): PromtoolTest[] {
  const interval = alert.tests.interval ?? testEvaluationInterval;
  const evaluation = alert.tests.evaluation ?? testEvaluationInterval;
  const noData: Scenario[] = alert.tests.firesWithoutData
    ? []
    : [{ name: 'no data at all stays silent', series: [], at: noDataEval }];
  return [
    ...alert.tests.firing.map((s) => firingTest(family, alert, s, interval, evaluation, options)),
    ...[...alert.tests.silent, ...noData].map((s) => silentTest(alert, s, interval)),
  ];
}

// Recorded rates are floats (0.1 comes back as 0.09999999999999999), and promtool compares
// exactly, so value tests compare the value scaled and rounded to four decimal places.
const scale = 10_000;

/** A test and the rule evaluation interval it needs (which decides its file). */
interface Placed {
  readonly evaluation: Duration;
  readonly test: PromtoolTest;
}

function recordingTests(family: FamilySpec): Placed[] {
  return recordingsOf(family).flatMap((rule) =>
    rule.test.samples.map(({ labels: { job, ...labels }, value }) => {
      const series = selectors(jobScope(job)).recorded(rule.series, labels);
      // Rules are evaluated as often as samples arrive: a 30-day window tested at 1m steps
      // would evaluate every rule 86,400 times.
      const evaluation = rule.test.interval ?? testEvaluationInterval;
      const test: PromtoolTest = {
        name: `${rule.series.name}: ${rule.test.name}`,
        interval: rule.test.interval ?? testEvaluationInterval,
        input_series: rule.test.series,
        promql_expr_test: [
          {
            expr: round(mul(series, scale)).text,
            eval_time: rule.test.at,
            exp_samples: [
              {
                labels: `{${Object.entries({ job, ...labels })
                  .sort(([a], [b]) => a.localeCompare(b))
                  .map(([k, v]) => `${k}=${quote(v)}`)
                  .join(',')}}`,
                value: Number(toDecimal(times(rational(value), rational(scale)))),
              },
            ],
          },
        ],
      };
      return { evaluation, test };
    }),
  );
}

export interface NamedTestFile {
  /** File name under `rules/tests/`. */
  readonly name: string;
  readonly file: PromtoolTestFile;
}

/**
 * The promtool test files of a family, one per evaluation interval (promtool has one interval
 * per file): `<family>.test.yml` at 1m, `<family>.every-<interval>.test.yml` for long windows.
 * `rulesDir` is the rules folder relative to the test files.
 */
export function promtoolTests(
  family: FamilySpec,
  options: LinkOptions,
  rulesDir = '..',
): NamedTestFile[] {
  const tests = [
    ...recordingTests(family),
    ...alertsOf(family).flatMap((alert) =>
      alertTests(family, alert, options).map((test) => ({
        evaluation: alert.tests.evaluation ?? testEvaluationInterval,
        test,
      })),
    ),
  ];
  const intervals = [...new Set(tests.map((t) => t.evaluation))].sort(
    (a, b) => durationSeconds(a) - durationSeconds(b),
  );
  return intervals.map((interval) => ({
    name:
      interval === testEvaluationInterval
        ? `${family.id}.test.yml`
        : `${family.id}.every-${interval}.test.yml`,
    file: {
      rule_files: [`${rulesDir}/${rulesFileName(family.id)}`],
      evaluation_interval: interval,
      tests: tests.filter((t) => t.evaluation === interval).map((t) => t.test),
    },
  }));
}
