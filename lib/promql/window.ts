/**
 * Range windows. Dashboards use Grafana's `$__rate_interval`, which adapts to the scrape
 * interval and zoom; rules use fixed durations, since Prometheus knows no Grafana variables.
 */

export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'w';
export type Duration = `${number}${DurationUnit}`;

/** Grafana's range for `rate()`: at least four scrape intervals (Grafana docs, "$__rate_interval"). */
export const rateInterval = '$__rate_interval';
export const grafanaInterval = '$__interval';
/** The whole time range of the dashboard, for counts over what is on screen. */
export const grafanaRange = '$__range';
export type GrafanaWindow = typeof rateInterval | typeof grafanaInterval | typeof grafanaRange;

export type Window = Duration | GrafanaWindow;

const durationPattern = /^([1-9]\d*)([smhdw])$/;
const unitSeconds: Record<DurationUnit, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export function isGrafanaWindow(window: Window): window is GrafanaWindow {
  return window === rateInterval || window === grafanaInterval || window === grafanaRange;
}

/** Seconds in a fixed duration; rejects anything but one positive integer and one unit. */
export function durationSeconds(duration: Duration): number {
  const match = durationPattern.exec(duration);
  if (match === null) {
    throw new RangeError(`promql: "${duration}" is not a duration like 5m, 1h or 3d`);
  }
  return Number(match[1]) * unitSeconds[match[2] as DurationUnit];
}

/** The shortest exact duration text for a number of seconds (5400 → 90m, 86400 → 1d). */
export function formatDuration(seconds: number): Duration {
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new RangeError(`promql: ${seconds} s is not a positive whole number of seconds`);
  }
  const units: readonly DurationUnit[] = ['w', 'd', 'h', 'm', 's'];
  const unit = units.find((u) => seconds % unitSeconds[u] === 0) ?? 's';
  return `${seconds / unitSeconds[unit]}${unit}`;
}

export function checkWindow(window: Window): void {
  if (!isGrafanaWindow(window)) durationSeconds(window);
}
