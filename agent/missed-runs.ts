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

/**
 * The scheduled time a run starting at `nowMs` belongs to: the schedule's latest time up to a
 * second after `nowMs` (a timer may fire a little early). Agents on several hosts agree on it,
 * so it names one run of the schedule for all of them.
 */
export function scheduledSlot(schedule: string, nowMs: number): number {
  const [previous] = new Cron(schedule, { paused: true }).previousRuns(1, new Date(nowMs + 1_000));
  return previous?.getTime() ?? nowMs;
}
