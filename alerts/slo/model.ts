import type { SloDef } from '../../catalog/slos.ts';
import { durationSeconds, type Duration } from '../../lib/promql/index.ts';
import { burnWindows, complianceDays, type BurnWindow } from './windows.ts';
import { div, floor, mul, rational, sub, toDecimal } from './decimal.ts';

/** One burn-rate alert of an SLO, with its exact numbers. */
export interface BurnAlertModel {
  readonly window: BurnWindow;
  /** Error ratio above which the alert fires: factor × (1 − objective). */
  readonly threshold: `${number}`;
  /**
   * Fewest requests in the long window for the alert to fire: one more than 1/threshold, so a
   * single failed request can never breach the threshold on its own (the minimum-traffic guard).
   */
  readonly minEvents: number;
  /** Share of the compliance window's error budget spent when the alert fires, in percent. */
  readonly budgetConsumedPercent: `${number}`;
}

export interface SloModel {
  readonly slo: SloDef;
  /** Allowed error ratio, 1 − objective/100. */
  readonly budget: `${number}`;
  readonly alerts: readonly BurnAlertModel[];
  /** Every window a rate is recorded for: the alert windows and the compliance window. */
  readonly windows: readonly Duration[];
}

export function complianceWindow(): Duration {
  return `${complianceDays}d`;
}

/** The exact thresholds, guards and budgets of an SLO's alerts (pure; Sloth's "model" step). */
export function sloModel(slo: SloDef): SloModel {
  if (slo.windowDays !== complianceDays) {
    throw new RangeError(
      `alerts: SLO ${slo.name} has a ${slo.windowDays}-day window; the burn-rate windows are defined for ${complianceDays} days`,
    );
  }
  const budget = div(sub(rational(100), rational(slo.objective)), rational(100));
  const period = rational(complianceDays * 86_400);
  const alerts = burnWindows.map((window) => {
    const threshold = mul(rational(window.factor), budget);
    const consumed = div(
      mul(rational(window.factor), rational(durationSeconds(window.long))),
      period,
    );
    return {
      window,
      threshold: toDecimal(threshold),
      minEvents: Number(floor(div(rational(1), threshold))) + 1,
      budgetConsumedPercent: toDecimal(mul(consumed, rational(100))),
    };
  });
  const windows = [
    ...new Set([...burnWindows.flatMap((w) => [w.short, w.long]), complianceWindow()]),
  ].sort((a, b) => durationSeconds(a) - durationSeconds(b));
  return { slo, budget: toDecimal(budget), alerts, windows };
}
