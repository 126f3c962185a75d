import { dump } from 'js-yaml';
import type { Config } from '../config/schema.ts';
import { markdownFile, yamlFile, type GeneratedFile } from '../lib/generated-files.ts';
import { syntaxProblems } from '../lib/promql/index.ts';
import { alertmanagerYaml, type Receivers } from './alertmanager.ts';
import { generationContext } from '../config/generation.ts';
import { coverageProblems } from './coverage.ts';
import { rulesFileName } from './conventions.ts';
import { ruleFamilies } from './families/index.ts';
import { watchdogName } from './families/meta.ts';
import { inhibitRules } from './inhibitions.ts';
import type { FamilySpec } from './model.ts';
import { prometheusRuleResource } from './prometheus-rule.ts';
import { promtoolTests } from './promtool-tests.ts';
import { alertsOf, recordingsOf, ruleGroups, type LinkOptions } from './rules-file.ts';
import { runbook } from './runbooks.ts';
import { alertmanagerGlobal, receiversFrom } from './receivers.ts';
import { routeTestsFile } from './route-tests.ts';
import type { PanelRef } from './dashboard-panel.ts';
import { divideTimings } from './time-divisor.ts';

const yaml = (value: unknown) => dump(value, { lineWidth: -1, noRefs: true });

export function linkOptions(config: Config): LinkOptions {
  return { runbookBaseUrl: config.generate.runbookBaseUrl, grafanaUrl: config.generate.grafanaUrl };
}

/** Refuses to write rules whose PromQL does not parse or whose tests leave a rule uncovered. */
function checkFamilies(families: readonly FamilySpec[], options: LinkOptions): void {
  const problems: string[] = [];
  for (const family of families) {
    for (const rule of family.groups.flatMap((g) => g.rules)) {
      const name = rule.kind === 'alert' ? rule.name : rule.series.name;
      for (const problem of syntaxProblems(rule.expr.text)) problems.push(`${name}: ${problem}`);
    }
    problems.push(
      ...coverageProblems(
        alertsOf(family).map((a) => a.name),
        recordingsOf(family).map((r) => r.series.name),
        promtoolTests(family, options).map((t) => t.file),
        [watchdogName],
      ),
    );
  }
  if (problems.length > 0) throw new Error(`alerts: cannot generate:\n  ${problems.join('\n  ')}`);
}

/** Rules, their tests, runbooks, the Alertmanager configuration and the PrometheusRule. */
export function alertFiles(
  config: Config,
  receivers: Receivers = receiversFrom(config.alerting),
  panels: readonly PanelRef[] = [],
): GeneratedFile[] {
  const specs = ruleFamilies(generationContext(config));
  const options = linkOptions(config);
  checkFamilies(specs, options);
  const { timeDivisor } = config.generate;
  const families = divideTimings(specs, timeDivisor);
  const inhibitions = inhibitRules(families);
  // Rule tests encode the real `for` boundaries; with divided timings they would test other rules.
  const withTests = timeDivisor === 1;
  return [
    ...families.flatMap((family) => [
      yamlFile(`rules/${rulesFileName(family.id)}`, yaml({ groups: ruleGroups(family, options) })),
      ...(withTests ? promtoolTests(family, options) : []).map((t) =>
        yamlFile(`rules/tests/${t.name}`, yaml(t.file)),
      ),
      markdownFile(`runbooks/${family.id}.md`, runbook(family, inhibitions, options, panels)),
    ]),
    yamlFile(
      'alertmanager/alertmanager.yml',
      alertmanagerYaml(families, receivers, timeDivisor, alertmanagerGlobal(config.alerting)),
    ),
    routeTestsFile(),
    yamlFile(
      'k8s/prometheusrule.yaml',
      yaml(prometheusRuleResource(families.flatMap((f) => ruleGroups(f, options)))),
    ),
  ];
}
