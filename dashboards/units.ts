import type { ExprUnit } from '../lib/promql/index.ts';

/** Grafana unit ids (the SDK's `units` constants) for the units expressions derive from the catalog. */
export const grafanaUnits = {
  seconds: 's',
  bytes: 'bytes',
  timestamp: 'dateTimeFromNow',
  ratio: 'percentunit',
  count: 'short',
  info: 'none',
  perSecond: 'ops',
  secondsPerSecond: 'percentunit',
  bytesPerSecond: 'Bps',
  none: 'none',
} as const satisfies Record<ExprUnit, string>;

/** Overrides a panel may pick where the derived unit is too generic (requests rather than ops). */
export const panelUnits = {
  requestsPerSecond: 'reqps',
  seconds: 's',
  percent: 'percentunit',
  count: 'short',
  bytes: 'bytes',
  perSecond: 'ops',
} as const;
export type PanelUnit = (typeof panelUnits)[keyof typeof panelUnits];

export function unitOf(unit: ExprUnit): string {
  if (unit === 'none' || unit === 'info') {
    throw new RangeError(`dashboards: a panel of unit ${unit} must name its unit`);
  }
  return grafanaUnits[unit];
}
