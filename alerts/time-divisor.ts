import { durationSeconds, formatDuration, type Duration } from '../lib/promql/index.ts';
import type { FamilySpec, RuleSpec } from './model.ts';

/**
 * A duration divided by `generate.timeDivisor`, rounded up to whole seconds and never below one
 * second (the shortest `for` Prometheus can tell apart from none at a 1 s evaluation interval).
 */
export function divideDuration(duration: Duration, divisor: number): Duration {
  if (!Number.isInteger(divisor) || divisor < 1) {
    throw new RangeError(`alerts: time divisor ${String(divisor)} is not a whole number ≥ 1`);
  }
  return formatDuration(Math.max(1, Math.ceil(durationSeconds(duration) / divisor)));
}

function divideRule(rule: RuleSpec, divisor: number): RuleSpec {
  if (rule.kind !== 'alert') return rule;
  return {
    ...rule,
    ...(rule.for === undefined ? {} : { for: divideDuration(rule.for, divisor) }),
    ...(rule.keepFiringFor === undefined
      ? {}
      : { keepFiringFor: divideDuration(rule.keepFiringFor, divisor) }),
  };
}

/**
 * The families with every alert's `for` and `keep_firing_for` divided, for the live test profile
 * only: expressions and their range windows stay as they are, so the rules select the same
 * series; only the waiting is shorter. A divisor of 1 returns the families unchanged.
 */
export function divideTimings(families: readonly FamilySpec[], divisor: number): FamilySpec[] {
  if (divisor === 1) return [...families];
  return families.map((family) => ({
    ...family,
    groups: family.groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) => divideRule(rule, divisor)),
    })),
  }));
}
