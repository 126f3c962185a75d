import type { PromtoolTestFile } from './promtool-tests.ts';

/**
 * Our own coverage gate over generated test files: promtool 2.42 reports no coverage and
 * passes a test that names an alert that does not exist. Every alert needs a firing and a
 * silent case, every recording rule a value test, and no test may name an unknown rule.
 */
export function coverageProblems(
  alertNames: readonly string[],
  recordNames: readonly string[],
  files: readonly PromtoolTestFile[],
  /** Alerts that fire on purpose all the time (the Watchdog): no silent case exists. */
  alwaysFiring: readonly string[] = [],
): string[] {
  const firing = new Set<string>();
  const silent = new Set<string>();
  const valued = new Set<string>();
  const problems: string[] = [];
  for (const test of files.flatMap((f) => f.tests)) {
    for (const check of test.alert_rule_test ?? []) {
      if (!alertNames.includes(check.alertname)) {
        problems.push(`test "${test.name}" names unknown alert ${check.alertname}`);
      }
      (check.exp_alerts.length > 0 ? firing : silent).add(check.alertname);
    }
    for (const check of test.promql_expr_test ?? []) {
      const named = recordNames.filter((r) =>
        new RegExp(`(^|[^a-z_:])${r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9_:]|$)`).test(
          check.expr,
        ),
      );
      if (named.length === 0)
        problems.push(`test "${test.name}" checks no recording rule: ${check.expr}`);
      for (const name of named) valued.add(name);
    }
  }
  for (const name of alertNames) {
    if (!firing.has(name)) problems.push(`alert ${name} has no firing test`);
    if (!silent.has(name) && !alwaysFiring.includes(name))
      problems.push(`alert ${name} has no silent test`);
  }
  for (const name of recordNames) {
    if (!valued.has(name)) problems.push(`recording rule ${name} has no value test`);
  }
  return problems;
}
