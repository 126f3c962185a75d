import { alertNamePattern, runbookUrl } from './conventions.ts';
import { dashboardUid } from '../config/generation.ts';
import type { AlertSpec, FamilySpec, RecordingSpec, RuleSpec } from './model.ts';
import { goTemplate, templateLabels, type Template } from './template.ts';

export interface LinkOptions {
  /** Base URL of the published runbooks (`generate.runbookBaseUrl`). */
  readonly runbookBaseUrl: string;
  /** Grafana's base URL (`generate.grafanaUrl`). */
  readonly grafanaUrl: string;
}

/** A rule as Prometheus 2.42 reads it; only fields it accepts (no `query_offset`, no group labels). */
export interface PrometheusRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly keep_firing_for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface PrometheusRuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly PrometheusRule[];
}

function checkTemplate(alert: AlertSpec, field: string, template: Template): void {
  for (const name of templateLabels(template)) {
    if (!alert.expr.labels.includes(name)) {
      throw new RangeError(
        `alerts: ${alert.name} ${field} uses label ${name}, which its expression does not keep (${alert.expr.labels.join(', ')})`,
      );
    }
  }
}

function checkExpr(name: string, rule: RuleSpec): void {
  if (rule.expr.text.includes('$')) {
    throw new RangeError(`alerts: ${name} uses a Grafana variable: ${rule.expr.text}`);
  }
}

export function dashboardUrl(options: LinkOptions, alert: AlertSpec): string {
  return `${options.grafanaUrl.replace(/\/+$/, '')}/d/${dashboardUid(alert.dashboard)}`;
}

/** The annotations Prometheus attaches: summary, description and the two links. */
export function annotationsOf(
  family: FamilySpec,
  alert: AlertSpec,
  options: LinkOptions,
): Record<string, string> {
  return {
    summary: goTemplate(alert.summary),
    description: goTemplate(alert.description),
    runbook_url: runbookUrl(options.runbookBaseUrl, family.id, alert.name),
    dashboard_url: dashboardUrl(options, alert),
  };
}

export function labelsOf(alert: AlertSpec): Record<string, string> {
  return { severity: alert.severity, ...alert.labels };
}

function alertRule(family: FamilySpec, alert: AlertSpec, options: LinkOptions): PrometheusRule {
  if (
    !alertNamePattern.test(alert.name) ||
    !family.prefixes.some((p) => alert.name.startsWith(p))
  ) {
    throw new RangeError(
      `alerts: ${alert.name} must be CamelCase and start with ${family.prefixes.join(' or ')}`,
    );
  }
  checkExpr(alert.name, alert);
  checkTemplate(alert, 'summary', alert.summary);
  checkTemplate(alert, 'description', alert.description);
  const clash = Object.keys(alert.labels ?? {}).filter((l) => alert.expr.labels.includes(l));
  if (clash.length > 0 || 'severity' in (alert.labels ?? {})) {
    throw new RangeError(
      `alerts: ${alert.name} static labels overwrite ${clash.join(', ') || 'severity'}`,
    );
  }
  return {
    alert: alert.name,
    expr: alert.expr.text,
    ...(alert.for === undefined ? {} : { for: alert.for }),
    ...(alert.keepFiringFor === undefined ? {} : { keep_firing_for: alert.keepFiringFor }),
    labels: labelsOf(alert),
    annotations: annotationsOf(family, alert, options),
  };
}

function recordingRule(rule: RecordingSpec): PrometheusRule {
  checkExpr(rule.series.name, rule);
  return {
    record: rule.series.name,
    expr: rule.expr.text,
    ...(rule.labels === undefined ? {} : { labels: rule.labels }),
  };
}

/** The rule groups of one family, as written to `rules/<family>.yml`. */
export function ruleGroups(family: FamilySpec, options: LinkOptions): PrometheusRuleGroup[] {
  return family.groups.map((group) => ({
    name: group.name,
    ...(group.interval === undefined ? {} : { interval: group.interval }),
    rules: group.rules.map((rule) =>
      rule.kind === 'alert' ? alertRule(family, rule, options) : recordingRule(rule),
    ),
  }));
}

export function alertsOf(family: FamilySpec): AlertSpec[] {
  return family.groups.flatMap((g) => g.rules.filter((r): r is AlertSpec => r.kind === 'alert'));
}

export function recordingsOf(family: FamilySpec): RecordingSpec[] {
  return family.groups.flatMap((g) =>
    g.rules.filter((r): r is RecordingSpec => r.kind === 'record'),
  );
}
