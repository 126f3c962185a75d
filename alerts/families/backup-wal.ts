import {
  copyLag,
  copyLagAlertSeconds,
  slotRetainedPageBytes,
  walLastArchived,
  walRpoTarget,
  walSlotRetained,
  walStreaming,
} from '../../catalog/metrics/backups-wal.ts';
import { and, formatDuration, gt, max, overTime, sub, time, eq } from '../../lib/promql/index.ts';
import { input, steady } from '../fixtures.ts';
import type { AlertSpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { backupParts } from './backup-parts.ts';
import { alert, targetLabels } from './common.ts';

const agentKeys = ['job', 'instance'] as const;

/** Point-in-time recovery (WAL archiving, its slot) and copies elsewhere (issue 19). */
export function walAlerts(context: GenerationContext): AlertSpec[] {
  const { s, target } = backupParts(context);
  const labels = targetLabels(target);
  const series = {
    point: (values: string) => input(walLastArchived, target, {}, values),
    rpo: (values: string) => input(walRpoTarget, target, {}, values),
    streaming: (values: string) => input(walStreaming, target, {}, values),
    retained: (values: string) => input(walSlotRetained, target, {}, values),
    lag: (values: string) => input(copyLag, target, { copy: 'offsite' }, values),
  };
  const age = sub(time(), max(agentKeys, s.gauge(walLastArchived)));
  const rpo = max(agentKeys, s.gauge(walRpoTarget));
  const retained = max(agentKeys, s.gauge(walSlotRetained));
  return [
    alert({
      name: 'AidbBackupRpoAboveTarget',
      expr: gt(age, rpo),
      for: '5m',
      severity: 'warning',
      summary: tpl`Recovery point of ${label('instance')} is older than its RPO target`,
      description: tpl`WAL written more than the RPO target ago is not archived yet: a failure now would lose more writes than the operator accepts.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'The newest archived WAL (or the last check that found nothing unarchived) is older than `backups.pitr.rpoTargetSeconds`.',
        causes: [
          'WAL streaming stopped (see AidbBackupWalStreamingStopped).',
          '`backups.pitr.switchIntervalSeconds` is longer than the target, or the role lacks EXECUTE on `pg_switch_wal()` (the agent logs it).',
          'Archiving is slower than the write rate (disk or CPU of the agent).',
        ],
        dependencies: ['postgres'],
        firstQueries: [{ title: 'Recovery point age', expr: age }],
        mitigation: [
          'Run `aidb backup wal-status`: newest archived file and gaps.',
          'Grant the switch: `GRANT EXECUTE ON FUNCTION pg_switch_wal() TO aidb_backup;`.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'a recovery point ten minutes old with a 60 s target fires',
            series: [series.point(steady(0, 20)), series.rpo(steady(60, 20))],
            at: '10m',
            labels,
          },
        ],
        silent: [
          {
            name: 'a recovery point that keeps up stays silent',
            series: [series.point('0+60x20'), series.rpo(steady(60, 20))],
            at: '15m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupWalStreamingStopped',
      expr: eq(max(['job'], s.gauge(walStreaming)), 0),
      for: '10m',
      severity: 'warning',
      summary: tpl`No agent of ${label('job')} streams WAL`,
      description: tpl`pg_receivewal has not been streaming through the replication slot for ten minutes: nothing new is archived, and the slot keeps WAL on the database server.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'Every agent reports `aidb_backup_wal_streaming` 0: WAL archiving stalled. The slot keeps the WAL on the server, so nothing is lost yet, but the server’s disk fills.',
        causes: [
          'The role lacks REPLICATION, or pg_hba.conf has no `replication` line for it.',
          '`max_wal_senders` is exhausted, or the slot is taken by another consumer.',
          'pg_receivewal is missing (`AIDB_BACKUP_PG_BIN_DIR`).',
        ],
        dependencies: ['postgres'],
        firstQueries: [{ title: 'Agents streaming', expr: max(['job'], s.gauge(walStreaming)) }],
        mitigation: [
          'Read the agent log for `WAL streaming stopped; restarting`: it carries pg_receivewal’s error.',
          'Run `aidb backup wal-stream` by hand to see it fail in the foreground.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'no streaming for ten minutes fires',
            series: [series.streaming('1x5 0x20')],
            at: '20m',
            labels: { job: labels.job },
          },
        ],
        silent: [
          {
            name: 'a short restart stays silent',
            series: [series.streaming('1x5 0x3 1x20')],
            at: '20m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupWalSlotRetainingWal',
      expr: and(
        gt(retained, slotRetainedPageBytes),
        gt(sub(retained, max(agentKeys, overTime('min', s.gauge(walSlotRetained), '30m'))), 0),
      ),
      for: '15m',
      severity: 'critical',
      summary: tpl`The WAL slot of ${label('instance')} holds a growing amount of WAL on the database server`,
      description: tpl`The replication slot keeps more than 1 GiB of WAL and it grows: nothing consumes it, and the database server's disk will fill.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'An unconsumed replication slot keeps every WAL segment from its position on: on a busy database it fills the disk and stops the database. This pages.',
        causes: [
          'WAL streaming stopped (AidbBackupWalStreamingStopped) and writes continue.',
          'PITR was turned off but the slot was not dropped.',
        ],
        dependencies: ['postgres'],
        firstQueries: [{ title: 'WAL retained by the slot', expr: retained }],
        mitigation: [
          'Restore streaming (see AidbBackupWalStreamingStopped); the slot drains as the agent archives.',
          "If PITR is off for good: `SELECT pg_drop_replication_slot('aidb_wal');` (then take a new base when it is turned on again).",
        ],
      },
      tests: {
        firing: [
          {
            name: 'two GiB and growing fires',
            series: [series.retained('2147483648+10000000x60')],
            at: '50m',
            labels,
          },
        ],
        silent: [
          {
            name: 'two GiB but draining stays silent',
            series: [series.retained('2147483648-10000000x60')],
            at: '50m',
          },
          {
            name: 'a little and growing stays silent',
            series: [series.retained('1000+1000x60')],
            at: '50m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbBackupCopyLagging',
      expr: gt(max([...agentKeys, 'copy'], s.gauge(copyLag)), copyLagAlertSeconds),
      for: '15m',
      severity: 'warning',
      summary: tpl`Backup copy ${label('copy')} is behind`,
      description: tpl`The copy ${label('copy')} lacks a backup or WAL file completed more than ${formatDuration(copyLagAlertSeconds)} ago: it would not have it if the primary repository were lost.`,
      dashboard: 'backups',
      runbook: {
        components: ['agent'],
        meaning:
          'Copying to the copy has failed since the oldest file it lacks was completed. Backups to the primary go on.',
        causes: [
          'The copy target is down, unreachable, full, or its credentials expired.',
          'A file read back with another SHA-256 than written (the log names it).',
        ],
        firstQueries: [{ title: 'Copy lag', expr: max([...agentKeys, 'copy'], s.gauge(copyLag)) }],
        mitigation: ['Run `aidb backup copy`: it syncs now and prints each copy’s error.'],
      },
      tests: {
        firing: [
          {
            name: 'a copy a day behind fires',
            series: [series.lag('86400x30')],
            at: '20m',
            labels: { ...labels, copy: 'offsite' },
          },
        ],
        silent: [
          {
            name: 'an up-to-date copy stays silent',
            series: [series.lag(steady(0, 30))],
            at: '20m',
          },
        ],
      },
    }),
  ];
}
