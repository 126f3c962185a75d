import type { FamilySpec } from './model.ts';

export interface RuleSelector {
  readonly family: string;
  /** Alert or recording rule name. */
  readonly rule: string;
  readonly selector: string;
  readonly metric: string;
  /** Why the selector may return nothing on a healthy stack (inside `absent()`). */
  readonly absentByDesign?: string;
}

/**
 * Every selector of every rule, deduplicated per rule, for the live test: each must return
 * series from the running stack after traffic, except those absent by design. Meta selectors
 * read Prometheus's and Alertmanager's own series, so the live Prometheus must scrape itself and
 * the Alertmanager too.
 */
export function ruleSelectors(families: readonly FamilySpec[]): RuleSelector[] {
  return families.flatMap((family) =>
    family.groups.flatMap((group) =>
      group.rules.flatMap((rule) => {
        const name = rule.kind === 'alert' ? rule.name : rule.series.name;
        const seen = new Set<string>();
        return rule.expr.selectors
          .filter((s) => !seen.has(s.text) && seen.add(s.text))
          .map((s) => ({
            family: family.id,
            rule: name,
            selector: s.text,
            metric: s.metric,
            ...(s.absentByDesign === undefined ? {} : { absentByDesign: s.absentByDesign }),
          }));
      }),
    ),
  );
}
