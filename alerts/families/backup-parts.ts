import {
  backupConsecutiveFailures,
  backupLastAttempt,
  backupLastDuration,
  backupLastSize,
  backupLastSuccess,
  backupLastVerification,
  backupPruneBlocked,
  backupRepositoryFree,
  backupVerificationOk,
  backupsStored,
} from '../../catalog/metrics/backups.ts';
import { formatDuration, jobScope, selectors } from '../../lib/promql/index.ts';
import { input } from '../fixtures.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { agentTarget, targetLabels } from './common.ts';

/** What every backup alert keeps: the agent and the backup target. */
export const perTarget = ['job', 'instance', 'target'] as const;

/** Selectors, fixture series and test timing shared by the backup alert files. */
export function backupParts(context: GenerationContext) {
  const s = selectors(jobScope(context.agentJob));
  const target = agentTarget(context);
  const pg = { ...targetLabels(target), target: 'postgres' };
  const series = {
    success: (values: string) => input(backupLastSuccess, target, { target: 'postgres' }, values),
    attempt: (values: string) => input(backupLastAttempt, target, { target: 'postgres' }, values),
    streak: (values: string) =>
      input(backupConsecutiveFailures, target, { target: 'postgres' }, values),
    verified: (level: '1' | '2', values: string) =>
      input(backupLastVerification, target, { target: 'postgres', level }, values),
    ok: (values: string) =>
      input(backupVerificationOk, target, { target: 'postgres', level: '1' }, values),
    size: (stream: 'plain' | 'stored', values: string) =>
      input(backupLastSize, target, { target: 'postgres', stream }, values),
    duration: (values: string) => input(backupLastDuration, target, { target: 'postgres' }, values),
    free: (values: string) => input(backupRepositoryFree, target, {}, values),
    missing: (values: string) =>
      input(backupsStored, target, { target: 'postgres', state: 'missing' }, values),
    blocked: (values: string) =>
      input(
        backupPruneBlocked,
        target,
        { target: 'postgres', reason: 'no_verified_backup' },
        values,
      ),
  };
  // Age thresholds of the default schedule are a day or more away, so those tests sample and
  // evaluate hourly; a short test schedule (minutes) keeps minute steps, and the live test's
  // schedule of seconds second steps. promtool's time() starts at 0, so the last success is
  // stamped one step (at most a minute) after the start: `successAt`.
  const step = (seconds: number) => (seconds >= 6 * 3600 ? 3600 : seconds >= 60 ? 60 : 1);
  const successAt = (seconds: number) => Math.min(60, step(seconds));
  const stepped = (seconds: number) => {
    const d = formatDuration(step(seconds));
    return { interval: d, evaluation: d };
  };
  const stepsPast = (seconds: number, extra: number) =>
    formatDuration((Math.floor(seconds / step(seconds)) + extra) * step(seconds));
  const samplesUntil = (seconds: number) => Math.ceil(seconds / step(seconds)) + 3;
  return { s, target, pg, series, stepped, stepsPast, samplesUntil, successAt };
}
