import { dependencies, dependencyNames, type DependencyName } from '../catalog/dependencies.ts';
import { camelCase } from './conventions.ts';
import type { AlertSpec, FamilySpec } from './model.ts';
import { alertsOf } from './rules-file.ts';

/** An Alertmanager inhibit rule (0.25 syntax) plus why it exists, for the runbooks. */
export interface InhibitRule {
  readonly source: readonly string[];
  readonly targets: readonly string[];
  readonly dependency?: DependencyName;
  readonly equal: readonly string[];
  readonly why: string;
}

/** Labels an alert carries: what its expression keeps plus its static labels. */
export function carriedLabels(alert: AlertSpec): string[] {
  return [
    ...new Set([...alert.expr.labels, ...Object.keys(alert.labels ?? {}), 'severity']),
  ].sort();
}

// Scrape identity first, then the rest in name order, so the output reads the same every run.
const leading = ['job', 'instance'];

/**
 * Every label all participants carry except `severity`, which tells them apart by design: the
 * subject (this certificate file and domain, this dependency on this instance) must match, or one
 * certificate about to expire would silence the warning of every other one.
 */
function sharedLabels(participants: readonly AlertSpec[]): string[] {
  const shared = carriedLabels(participants[0] as AlertSpec).filter(
    (label) => label !== 'severity' && participants.every((a) => carriedLabels(a).includes(label)),
  );
  return [
    ...leading.filter((label) => shared.includes(label)),
    ...shared.filter((label) => !leading.includes(label)).sort(),
  ];
}

/** `AidbDependencyPostgresDown` for a dependency: the name its down template gives it. */
export function dependencyDownName(name: DependencyName): string {
  return `AidbDependency${camelCase(name)}Down`;
}

function inhibition(
  source: AlertSpec,
  targets: readonly AlertSpec[],
  why: string,
  dependency?: DependencyName,
): InhibitRule {
  const equal = sharedLabels([source, ...targets]);
  if (equal.length === 0) {
    throw new RangeError(
      `alerts: ${source.name} shares no label with ${targets.map((t) => t.name).join(', ')} to inhibit on`,
    );
  }
  return {
    source: [source.name],
    targets: targets.map((t) => t.name).sort(),
    ...(dependency === undefined ? {} : { dependency }),
    equal,
    why,
  };
}

/**
 * Inhibitions derived from the dependency graph: a dependency that is down explains its breaker,
 * error, latency and pool alerts, so only the down alert notifies. Plus two within families: an
 * imminent certificate expiry silences the earlier warning, a dead agent its missing probes.
 * SLO alerts are never inhibited: the budget burns whatever the cause.
 */
export function inhibitRules(families: readonly FamilySpec[]): InhibitRule[] {
  const alerts = new Map(families.flatMap(alertsOf).map((a) => [a.name, a]));
  const get = (name: string): AlertSpec => {
    const found = alerts.get(name);
    if (found === undefined) throw new RangeError(`alerts: inhibition names unknown alert ${name}`);
    return found;
  };
  const symptoms = (name: DependencyName) =>
    [...alerts.values()].filter(
      (a) =>
        a.name.startsWith('AidbDependency') &&
        !dependencyNames.some((d) => a.name === dependencyDownName(d)) &&
        carriedLabels(a).includes('dependency') &&
        (a.labels?.dependency === undefined || a.labels.dependency === name),
    );
  const rules = dependencyNames.map((name) =>
    inhibition(
      get(dependencyDownName(name)),
      symptoms(name),
      `${dependencies[name].title} down explains its breaker, error, latency and pool alerts.`,
      name,
    ),
  );
  rules.push(
    inhibition(
      get('AidbProbeTlsCertificateExpiryImminent'),
      [get('AidbProbeTlsCertificateExpiresSoon')],
      'The critical expiry alert already covers the warning for the same certificate.',
    ),
    inhibition(
      get('AidbCertificateExpiryImminent'),
      [get('AidbCertificateExpiresSoon')],
      'The critical expiry alert already covers the warning for the same certificate.',
    ),
    inhibition(
      get('AidbAgentDown'),
      [get('AidbProbeNoTargets')],
      'A dead agent exports no probe state; the agent alert says why.',
    ),
  );
  for (const rule of rules) {
    const slo = rule.targets.find((t) => t.startsWith('AidbSlo'));
    if (slo !== undefined) throw new RangeError(`alerts: SLO alert ${slo} must never be inhibited`);
  }
  return rules;
}

/** The rule as Alertmanager reads it. */
export function alertmanagerInhibitRule(rule: InhibitRule): Record<string, unknown> {
  const dependency = rule.dependency === undefined ? [] : [`dependency="${rule.dependency}"`];
  return {
    source_matchers: [`alertname="${rule.source.join('|')}"`, ...dependency],
    target_matchers: [`alertname=~"${rule.targets.join('|')}"`, ...dependency],
    equal: rule.equal,
  };
}
