import { carriedLabels, type InhibitRule } from './inhibitions.ts';
import type { AlertSpec } from './model.ts';

export type AlertLabels = Readonly<Record<string, string>>;

/** A source alert, a target alert, and whether the rule must silence the target. */
export interface InhibitionCase {
  readonly name: string;
  readonly source: AlertLabels;
  readonly target: AlertLabels;
  readonly inhibited: boolean;
}

/** The labels an alert fires with: its own static values, `value` for everything else. */
function firing(alert: AlertSpec, value: (label: string) => string): AlertLabels {
  const labels: Record<string, string> = { alertname: alert.name, severity: alert.severity };
  for (const label of carriedLabels(alert)) {
    if (label === 'severity') continue;
    labels[label] = alert.labels?.[label] ?? value(label);
  }
  return labels;
}

/**
 * Cases that prove each inhibit rule silences only its own subject. For every target: a target
 * with the same subject as the source is silenced; a target differing from the source in any
 * one label both carry (another certificate, another instance, another dependency…) is not.
 * Worked out from the alerts' labels, not from the rule's `equal`, so a rule whose `equal` is
 * too narrow fails its cases. Values carry the case number, so cases run side by side in one
 * Alertmanager cannot silence each other.
 */
export function inhibitionCases(
  rules: readonly InhibitRule[],
  alerts: ReadonlyMap<string, AlertSpec>,
): InhibitionCase[] {
  const get = (name: string): AlertSpec => {
    const alert = alerts.get(name);
    if (alert === undefined) throw new RangeError(`alerts: inhibition names unknown alert ${name}`);
    return alert;
  };
  const cases: InhibitionCase[] = [];
  for (const rule of rules) {
    for (const sourceName of rule.source) {
      const source = get(sourceName);
      for (const targetName of rule.targets) {
        const target = get(targetName);
        const id = `c${String(cases.length)}`;
        const value = (label: string): string =>
          label === 'dependency' && rule.dependency !== undefined ? rule.dependency : id;
        const sourceLabels = firing(source, value);
        const sameSubject = firing(target, value);
        cases.push({
          name: `${sourceName} silences ${targetName} of the same subject`,
          source: sourceLabels,
          target: sameSubject,
          inhibited: true,
        });
        const shared = carriedLabels(source).filter(
          (label) => label !== 'severity' && carriedLabels(target).includes(label),
        );
        for (const label of shared) {
          cases.push({
            name: `${sourceName} leaves ${targetName} of another ${label} alone`,
            source: sourceLabels,
            target: { ...sameSubject, [label]: `${sameSubject[label] ?? ''}-other` },
            inhibited: false,
          });
        }
      }
    }
  }
  return cases;
}
