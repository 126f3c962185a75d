/**
 * What the generators of `aidb generate` share, one floor below both alerts/ and dashboards/:
 * the dashboards' identities, which alerts link to (`dashboard_url`), and the context every rule
 * family and dashboard is built from. Pure: configuration in, plain values out.
 */
import { Cron } from 'croner';
import type { Config } from './schema.ts';

/**
 * The generated dashboards. Uids derive from the titles, so links between dashboards and from
 * alerts stay stable across runs and releases.
 */
export const dashboardTitles = {
  'service-overview': 'aidb / Service overview',
  dependencies: 'aidb / Dependencies',
  'knowledge-base': 'aidb / Knowledge base',
  protection: 'aidb / Protection',
  'agent-probes': 'aidb / Agent probes',
  backups: 'aidb / Backups',
  runtime: 'aidb / Runtime',
} as const;
export type DashboardId = keyof typeof dashboardTitles;
export const dashboardIds = Object.keys(dashboardTitles) as DashboardId[];

/** Grafana accepts uids of at most 40 characters (dashboard API, "uid"). */
export const maxUidLength = 40;

/** `aidb / Service overview` → `aidb-service-overview`. */
export function uidFromTitle(title: string): string {
  const uid = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (uid === '' || uid.length > maxUidLength) {
    throw new RangeError(
      `dashboards: uid "${uid}" from "${title}" must have 1 to ${maxUidLength} characters`,
    );
  }
  return uid;
}

export function dashboardUid(id: DashboardId): string {
  return uidFromTitle(dashboardTitles[id]);
}

// Runs are enumerated from a fixed date, not from now, so generation is byte-identical on every
// run; two years see every calendar shape (month lengths, a leap day, weekday patterns).
const reference = new Date('2024-01-01T00:00:00Z');
const horizonMs = 2 * 366 * 86_400_000;
const maxRuns = 5000;

/** Level-2 (restore) verification runs weekly (issue 7 schedules it; no setting exists yet). */
export const restoreVerifyIntervalSeconds = 7 * 86_400;

/**
 * The longest gap between two consecutive runs of a cron schedule, in seconds (UTC). A backup is
 * late only after this gap: "0 2 * * 1-5" has a 3-day gap over the weekend, not a 1-day one.
 */
export function scheduleMaxGapSeconds(pattern: string): number {
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone: 'UTC', paused: true });
  } catch (cause) {
    throw new RangeError(`alerts: backups.schedule "${pattern}" is not a cron expression`, {
      cause,
    });
  }
  let previous = cron.nextRun(reference);
  let gap = 0;
  for (let i = 0; previous !== null && i < maxRuns; i += 1) {
    const next = cron.nextRun(previous);
    if (next === null || next.getTime() - reference.getTime() > horizonMs) break;
    gap = Math.max(gap, next.getTime() - previous.getTime());
    previous = next;
  }
  if (gap === 0) {
    throw new RangeError(`alerts: backups.schedule "${pattern}" runs at most once in two years`);
  }
  return gap / 1000;
}

/** What rule families and dashboards need from the configuration; built once, pure afterwards. */
export interface GenerationContext {
  readonly serviceJob: string;
  readonly agentJob: string;
  readonly backups: {
    /** Longest gap between two scheduled backups plus the grace period, in seconds. */
    readonly staleAfterSeconds: number;
    /** Level-2 (restore) verification may be this old before it is stale, in seconds. */
    readonly restoreVerifyStaleAfterSeconds: number;
  };
}

export function generationContext(config: Config): GenerationContext {
  const grace = config.generate.backupStaleGraceSeconds;
  return {
    serviceJob: config.generate.serviceJob,
    agentJob: config.generate.agentJob,
    backups: {
      staleAfterSeconds: scheduleMaxGapSeconds(config.backups.schedule) + grace,
      restoreVerifyStaleAfterSeconds: restoreVerifyIntervalSeconds + grace,
    },
  };
}
