import type { DependencyName } from '../catalog/dependencies.ts';
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

function inhibition(source: AlertSpec, targets: readonly AlertSpec[]): InhibitRule {
  const spec = source.inhibits;
  if (spec === undefined) throw new RangeError(`alerts: ${source.name} inhibits nothing`);
  const equal = sharedLabels([source, ...targets]);
  if (equal.length === 0) {
    throw new RangeError(
      `alerts: ${source.name} shares no label with ${targets.map((t) => t.name).join(', ')} to inhibit on`,
    );
  }
  return {
    source: [source.name],
    targets: targets.map((t) => t.name).sort(),
    ...(spec.dependency === undefined ? {} : { dependency: spec.dependency }),
    equal,
    why: spec.why,
  };
}

/**
 * The inhibitions the alerts declare (`inhibits`), in family order: a dependency that is down
 * explains its breaker, error, latency and pool alerts; an imminent certificate expiry the
 * earlier warning; a dead agent its missing probes. A family that says it is never inhibited
 * (the SLO pages: the budget burns whatever the cause) is refused as a target.
 */
export function inhibitRules(families: readonly FamilySpec[]): InhibitRule[] {
  const alerts = new Map(families.flatMap(alertsOf).map((a) => [a.name, a]));
  const untouchable = new Map(
    families.flatMap((family) =>
      family.neverInhibited === undefined
        ? []
        : alertsOf(family).map((a) => [a.name, family.neverInhibited] as const),
    ),
  );
  return families.flatMap(alertsOf).flatMap((source) => {
    if (source.inhibits === undefined) return [];
    const targets = source.inhibits.alerts.map((declared) => {
      const target = alerts.get(declared.name);
      if (target === undefined)
        throw new RangeError(
          `alerts: ${source.name} inhibits ${declared.name}, which no family has`,
        );
      const reason = untouchable.get(target.name);
      if (reason !== undefined)
        throw new RangeError(`alerts: ${target.name} must never be inhibited: ${reason}`);
      return target;
    });
    return [inhibition(source, targets)];
  });
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
