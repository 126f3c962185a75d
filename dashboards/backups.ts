import { backupLastAttempt } from '../catalog/metrics/backups.ts';
import type { GenerationContext } from '../config/generation.ts';
import { bargauge, q, stat, stateTimeline, timeseries } from './factories.ts';
import { backupQueries as Q } from './queries/backups.ts';
import type { DashboardSpec } from './spec.ts';
import { copyLagAlertSeconds } from '../catalog/metrics/backups-wal.ts';

export function backupsDashboard(context: GenerationContext): DashboardSpec<'backups'> {
  const { staleAfterSeconds } = context.backups;
  return {
    id: 'backups',
    description: 'Are there recent, verified backups, and room for the next ones?',
    tags: ['agent', 'backups'],
    jobsFrom: backupLastAttempt,
    rows: [
      {
        title: 'Freshness',
        panels: [
          bargauge(
            {
              title: 'Age of the last successful backup',
              question: 'How much data would a restore lose right now?',
              description: `Time since the last successful backup per target; red past the schedule gap plus grace (${String(staleAfterSeconds)} s), as the stale alert.`,
            },
            [q(Q.sinceSuccess, '{{target}}')],
            {
              thresholds: [
                { value: staleAfterSeconds * 0.75, color: 'orange' },
                { value: staleAfterSeconds, color: 'red' },
              ],
            },
          ),
          stateTimeline(
            {
              title: 'Verification by level',
              question: 'Does the latest backup read back (level 1) and restore (level 2)?',
              description:
                'Result of the last verification per target and level: up when it passed.',
            },
            [q(Q.verification, '{{target}} level {{level}}')],
            {
              unit: 'short',
              states: ['failed', 'passed'],
              emptyByDesign:
                'Level 2 (restore) runs on its own schedule; until its first run only level 1 shows.',
            },
          ),
          bargauge(
            {
              title: 'Age of the last verification',
              question: 'When was each level last verified?',
              description: 'Time since the last verification per target and level.',
            },
            [q(Q.sinceVerification, '{{target}} level {{level}}')],
            { width: 12, thresholds: [{ value: staleAfterSeconds, color: 'orange' }] },
          ),
          stat(
            {
              title: 'Backups kept',
              question: 'How many backups are there, and in what state?',
              description: 'Backups in the repository by target and state.',
            },
            [q(Q.stored, '{{target}} {{state}}')],
            { unit: 'short', width: 12, base: 'blue' },
          ),
        ],
      },
      {
        title: 'Runs',
        panels: [
          timeseries(
            {
              title: 'Backup duration',
              question: 'Are backups getting slower?',
              description: 'Duration of the last successful backup per target.',
            },
            [q(Q.duration, '{{target}}')],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'Backup size',
              question: 'Are backups growing or shrinking unexpectedly?',
              description:
                'Plain dump size and stored (compressed, encrypted) size of the last backup per target.',
            },
            [q(Q.size, '{{target}} {{stream}}')],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'Runs by result',
              question: 'Do backups fail, and why?',
              description: 'Backup runs per interval by target, result and failure reason.',
            },
            [q(Q.runs, '{{target}} {{result}} {{reason}}')],
            { width: 8, unit: 'short' },
          ),
        ],
      },
      {
        title: 'Point-in-time recovery and copies',
        panels: [
          timeseries(
            {
              title: 'Recovery point age',
              question: 'How many seconds of writes would a failure now lose?',
              description:
                'Time since the newest WAL file was archived (or since the last check found nothing unarchived), against the RPO target.',
            },
            [q(Q.recoveryPointAge, 'recovery point age'), q(Q.rpoTarget, 'RPO target')],
            {
              width: 8,
              min: 0,
              emptyByDesign: 'Only with point-in-time recovery on (backups.pitr.enabled).',
            },
          ),
          timeseries(
            {
              title: 'WAL archiving',
              question: 'Is WAL streamed and archived, and does the slot hold WAL back?',
              description:
                'WAL files archived per interval, whether an agent streams, and the WAL the replication slot keeps on the server.',
            },
            [
              q(Q.walArchived, 'archived'),
              q(Q.walStreaming, 'streaming'),
              q(Q.slotRetained, 'slot retained bytes'),
            ],
            {
              width: 8,
              unit: 'short',
              emptyByDesign: 'Only with point-in-time recovery on (backups.pitr.enabled).',
            },
          ),
          bargauge(
            {
              title: 'Copy lag',
              question: 'Is every copy elsewhere up to date?',
              description:
                'Age of the oldest backup or WAL file each copy still lacks (0 when up to date), and time since each was last fully synced.',
            },
            [q(Q.copyLag, 'lag {{copy}}'), q(Q.sinceCopy, 'since sync {{copy}}')],
            {
              width: 8,
              thresholds: [{ value: copyLagAlertSeconds, color: 'red' }],
              emptyByDesign: 'Only with copies configured (backups.copies).',
            },
          ),
        ],
      },
      {
        title: 'Repository and retention',
        panels: [
          timeseries(
            {
              title: 'Repository space',
              question: 'Is there room for the next backups?',
              description: 'Free bytes on the repository’s file system and bytes used by backups.',
            },
            [q(Q.free, 'free'), q(Q.used, 'used by backups')],
            { width: 12, min: 0 },
          ),
          timeseries(
            {
              title: 'Prune activity',
              question: 'Does retention delete old backups, or is it blocked?',
              description:
                'Backups deleted by retention, blocked prune runs by safety rule, and backups each copy’s own retention deleted, per interval.',
            },
            [
              q(Q.pruned, 'deleted {{target}}'),
              q(Q.pruneBlocked, 'blocked {{target}} {{reason}}'),
              q(Q.copyPruned, 'deleted from copy {{copy}}'),
            ],
            {
              width: 12,
              unit: 'short',
              emptyByDesign:
                'Retention deletes only once more backups exist than the policy keeps; a young repository has nothing to prune.',
            },
          ),
        ],
      },
    ],
  };
}
