import { Cron } from 'croner';

/**
 * Whether a schedule came due while the agent was down: its first run after the last recorded
 * one is already past. Several missed runs still make one run (a backup taken now covers
 * them all). Without a recorded run there is nothing to catch up on.
 */
export function missedRun(schedule: string, lastRunMs: number | undefined, nowMs: number): boolean {
  if (lastRunMs === undefined) return false;
  const next = new Cron(schedule, { paused: true }).nextRun(new Date(lastRunMs));
  return next !== null && next.getTime() <= nowMs;
}
