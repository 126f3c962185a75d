import { Cron } from 'croner';
import type { Config } from '../config/schema.ts';
import type { RuleContext } from './model.ts';

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

export function ruleContext(config: Config): RuleContext {
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
