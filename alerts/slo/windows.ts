import type { Duration } from '../../lib/promql/index.ts';
import type { Severity } from '../model.ts';

/**
 * Multiwindow, multi-burn-rate alerting windows for a 30-day SLO, from the Google SRE Workbook,
 * chapter 5 "Alerting on SLOs", table 5-8 ("Recommended parameters for a 99.9% SLO alerting").
 * A burn rate of 1 spends exactly the whole budget in 30 days; 14.4 over 1 h spends 2 % of it,
 * 6 over 6 h spends 5 %, 1 over 3 d spends 10 %. The short window (1/12 of the long one) lets the
 * alert stop soon after the burn stops. Only change these when you understand multi burn rate
 * alerts: the budget consumed per alert is derived from them.
 *
 * `for` only absorbs a single-evaluation blip; the short window is what prevents flapping
 * (durations as Pyrra uses for the same windows).
 */
export interface BurnWindow {
  readonly id: 'fast' | 'medium' | 'slow';
  readonly factor: `${number}`;
  readonly long: Duration;
  readonly short: Duration;
  readonly for: Duration;
  readonly severity: Severity;
}

export const complianceDays = 30;

export const burnWindows: readonly BurnWindow[] = [
  { id: 'fast', factor: '14.4', long: '1h', short: '5m', for: '2m', severity: 'critical' },
  { id: 'medium', factor: '6', long: '6h', short: '30m', for: '15m', severity: 'critical' },
  { id: 'slow', factor: '1', long: '3d', short: '6h', for: '1h', severity: 'warning' },
];
