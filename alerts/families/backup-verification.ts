import { backupLastVerification, backupVerificationOk } from '../../catalog/metrics/backups.ts';
import { eq, formatDuration, gt, max, min, sub, time } from '../../lib/promql/index.ts';
import { steady } from '../fixtures.ts';
import type { AlertName, AlertSpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { backupParts, perTarget } from './backup-parts.ts';
import { agentStatusStep, alert } from './common.ts';

/** Backups nobody verified may not restore: verification failing or overdue, by level. */
export function verificationAlerts(context: GenerationContext): AlertSpec[] {
  const { s, pg, series, stepped, stepsPast, samplesUntil } = backupParts(context);
  const { staleAfterSeconds, restoreVerifyStaleAfterSeconds } = context.backups;
  const verificationAge = (level: '1' | '2') =>
    sub(time(), max([...perTarget, 'level'], s.gauge(backupLastVerification, { level })));
  const staleness = (name: AlertName, level: '1' | '2', after: number, what: string): AlertSpec =>
    alert({
      name,
      expr: gt(verificationAge(level), after),
      severity: 'warning',
      summary: tpl`${what} of ${label('target')} backups is overdue`,
      description: tpl`No backup of ${label('target')} has been verified at level ${label('level')} for more than ${formatDuration(after)}.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning: `Level ${level} verification (${level === '1' ? 're-read, checksum, decrypt, decompress and read the whole archive, after every backup' : 'restore into a scratch database, or recover a base backup with its WAL in a scratch directory, and compare row counts, on a schedule'}) has not run within ${formatDuration(after)}. A backup nobody verified may not restore.`,
        causes: [
          'The verify job fails or is skipped (see the agent’s job panel).',
          'The agent was down when it was due.',
        ],
        dependencies: ['postgres'],
        firstQueries: [
          { title: 'Seconds since the last verification', expr: verificationAge(level) },
        ],
        mitigation: [
          'Run `aidb backup list` to find the newest backup, then `aidb backup verify <id>' +
            (level === '2' ? ' --restore`.' : '`.'),
          agentStatusStep,
        ],
      },
      tests: {
        ...stepped(after),
        firing: [
          {
            name: `a verification older than ${formatDuration(after)} fires`,
            series: [series.verified(level, steady(60, samplesUntil(after)))],
            at: stepsPast(after, 2),
            labels: { ...pg, level },
          },
        ],
        silent: [
          {
            name: 'a verification just within the limit stays silent',
            series: [series.verified(level, steady(60, samplesUntil(after)))],
            at: stepsPast(after, 0),
          },
        ],
      },
    });

  return [
    alert({
      name: 'AidbBackupVerificationFailed',
      expr: eq(min([...perTarget, 'level'], s.gauge(backupVerificationOk)), 0),
      severity: 'warning',
      summary: tpl`Verification of the latest ${label('target')} backup failed at level ${label('level')}`,
      description: tpl`The last level ${label('level')} verification of a ${label('target')} backup failed: that backup may not restore.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'Reading back (level 1) or restoring (level 2) the latest backup failed: checksum mismatch, decryption or decompression error, a truncated archive, or row counts that differ. With PITR, level 2 of a base also replays the WAL archived after it: a missing (`wal_gap`) or unrestorable (`wal_replay_short`) segment fails it, named in the detail.',
        causes: [
          'Corruption on the repository’s storage; a backup cut short; the wrong identity for decryption.',
          'With PITR: a WAL file deleted or damaged in `<repository>/wal/`.',
        ],
        firstQueries: [
          {
            title: 'Verification status by level',
            expr: min([...perTarget, 'level'], s.gauge(backupVerificationOk)),
          },
        ],
        mitigation: [
          'Run `aidb backup verify <id>` on the backup to see the failing step; with PITR, `aidb backup wal-status` lists gaps in the WAL archive without restoring anything.',
          'Take a new backup with `aidb backup run` and verify it; keep the failed one for forensics (`aidb backup prune` keeps failed backups for a grace period).',
        ],
      },
      tests: {
        firing: [
          {
            name: 'a failed verification fires',
            series: [series.ok('1x4 0x10')],
            at: '10m',
            labels: { ...pg, level: '1' },
          },
        ],
        silent: [
          {
            name: 'a passed verification stays silent',
            series: [series.ok(steady(1, 10))],
            at: '10m',
          },
        ],
      },
    }),
    staleness('AidbBackupVerificationStale', '1', staleAfterSeconds, 'Verification'),
    staleness(
      'AidbBackupRestoreTestStale',
      '2',
      restoreVerifyStaleAfterSeconds,
      'The restore test',
    ),
  ];
}
