import { z } from 'zod';
import { isTimeZone } from '../../lib/time-zone.ts';
import { parseAgeIdentities } from '../../lib/age-identities.ts';
import { setting } from '../setting.ts';
import { cronExpression } from './cron.ts';

/** What a retention policy keeps, shared by the primary's and each copy's. */
const keeps = {
  daily: z.number().int().min(0).max(366),
  weekly: z.number().int().min(0).max(520),
  monthly: z.number().int().min(0).max(1200),
  minVerified: z.number().int().min(1).max(1000),
  gracePeriodDays: z.number().min(0).max(3650),
};
const maxDeletions = z.number().int().min(0).max(10_000);

const retention = z
  .object({
    daily: setting(keeps.daily.default(7), {
      env: 'AIDB_BACKUP_KEEP_DAILY',
      doc: 'Daily backups kept: the newest verified one of each of the last N days that have one.',
    }),
    weekly: setting(keeps.weekly.default(4), {
      env: 'AIDB_BACKUP_KEEP_WEEKLY',
      doc: 'Weekly backups kept (ISO weeks).',
    }),
    monthly: setting(keeps.monthly.default(12), {
      env: 'AIDB_BACKUP_KEEP_MONTHLY',
      doc: 'Monthly backups kept.',
    }),
    timeZone: setting(
      z.string().min(1).refine(isTimeZone, 'not an IANA time zone').default('UTC'),
      {
        env: 'AIDB_BACKUP_TIME_ZONE',
        doc: 'IANA time zone whose calendar days, weeks and months retention counts.',
      },
    ),
    minVerified: setting(keeps.minVerified.default(3), {
      env: 'AIDB_BACKUP_MIN_VERIFIED',
      doc: 'Verified backups per target that retention never deletes, whatever their age.',
    }),
    gracePeriodDays: setting(keeps.gracePeriodDays.default(7), {
      env: 'AIDB_BACKUP_GRACE_DAYS',
      doc: 'Days unverified and failed backups are kept for forensics before retention deletes them.',
    }),
    maxDeletions: setting(maxDeletions.default(10), {
      env: 'AIDB_BACKUP_MAX_DELETIONS',
      doc: 'Most backups one prune run deletes; the oldest go first, the rest wait for the next run.',
    }),
  })
  .strict();

const scratch = z
  .object({
    url: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_SCRATCH_URL',
      secret: true,
      doc: 'PostgreSQL URL (maintenance database) where level-2 verification creates its scratch databases; default: the `database.url` server, database `postgres`.',
    }),
    prefix: setting(
      z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,40}$/)
        .default('aidb_verify_'),
      {
        env: 'AIDB_BACKUP_SCRATCH_PREFIX',
        doc: 'Name prefix of scratch databases and collections; leftovers with it are dropped at start-up.',
      },
    ),
    dir: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_SCRATCH_DIR',
      doc: 'With PITR: where level 2 recovers a base backup into a scratch data directory (as large as the database) with a private server, removed afterwards; default: the system temporary directory. The server user must be able to enter it.',
    }),
  })
  .strict();

const pitr = z
  .object({
    enabled: setting(z.boolean().default(false), {
      env: 'AIDB_BACKUP_PITR',
      doc: 'External profile: PostgreSQL backups are base backups (`pg_basebackup`) and WAL is archived continuously (`pg_receivewal`), for restores to any point in time. Needs a role with REPLICATION (README, "Point-in-time recovery").',
    }),
    slot: setting(
      z
        .string()
        .regex(/^[a-z0-9_]{1,63}$/)
        .default('aidb_wal'),
      {
        env: 'AIDB_BACKUP_WAL_SLOT',
        doc: 'Physical replication slot WAL is streamed through; created if missing. Drop it when PITR is turned off, or it keeps WAL on the server for ever.',
      },
    ),
    switchIntervalSeconds: setting(z.number().int().min(0).max(86_400).default(30), {
      env: 'AIDB_BACKUP_WAL_SWITCH_SECONDS',
      doc: 'RPO interval: when rows changed, the open WAL segment is closed (`pg_switch_wal()`) this often, so it is archived; 0 never switches.',
    }),
    rpoTargetSeconds: setting(z.number().int().min(1).max(86_400).default(60), {
      env: 'AIDB_BACKUP_RPO_TARGET_SECONDS',
      doc: 'Recovery point objective: the alert AidbBackupRpoAboveTarget fires when the recovery point is older than this.',
    }),
    serverUser: setting(z.string().min(1).default('postgres'), {
      env: 'AIDB_BACKUP_PG_SERVER_USER',
      doc: 'When aidb runs as root: the unprivileged user that runs the private PostgreSQL server of level-2 verification and `restore --to-time` (PostgreSQL refuses root); it is given the scratch directory.',
    }),
    // Measured (bench/backup.ts, 443 MiB base of a 404 MiB database, one zstd stream): level 1
    // stored the same 225 MiB as level 3, the whole base backup in 3.7 s against 7.6 s (and zstd
    // alone 1.5 s against 2.4 s). Embeddings and index pages barely compress at any level, and a
    // base backup holds WAL on the server while it runs: speed wins.
    compressionLevel: setting(z.number().int().min(1).max(19).default(1), {
      env: 'AIDB_BACKUP_PITR_COMPRESSION_LEVEL',
      doc: 'With PITR: zstd level of base backups (compressed by the server itself with PostgreSQL 15 or later) and archived WAL segments, instead of `backups.compressionLevel`. Default 1: measured here, level 3 stored a base backup no smaller (225 MiB of 443 MiB: embeddings barely compress) and took twice as long.',
    }),
    spoolDir: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_WAL_SPOOL',
      doc: 'Directory pg_receivewal streams into before segments are archived; default `<dataDir>/wal-spool`. Keep it on a persistent volume.',
    }),
  })
  .strict();

/** Part size of S3 uploads: 64 MiB takes a file up to 625 GiB in S3's 10,000 parts. */
export const defaultPartSizeMib = 64;

const copyName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and -');

/**
 * A copy's own retention: each keep left out is the primary's; none at all deletes nothing. It
 * counts on the primary's calendar (`backups.retention.timeZone`).
 */
const copyRetention = z
  .object({
    daily: keeps.daily.optional(),
    weekly: keeps.weekly.optional(),
    monthly: keeps.monthly.optional(),
    minVerified: keeps.minVerified.optional(),
    gracePeriodDays: keeps.gracePeriodDays.optional(),
    maxDeletions: maxDeletions.optional(),
  })
  .strict()
  .optional();

const copy = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('path'),
      name: copyName,
      path: z.string().min(1),
      retention: copyRetention,
    })
    .strict(),
  z
    .object({
      kind: z.literal('s3'),
      name: copyName,
      retention: copyRetention,
      bucket: z.string().min(3),
      prefix: z
        .string()
        .regex(/^([^/].*\/)?$/, 'empty or ending with /')
        .default(''),
      region: z.string().min(1).default('us-east-1'),
      endpoint: z.url().optional(),
      forcePathStyle: z.boolean().default(false),
      /** Files above this go up in parts of this size (S3 caps one PUT at 5 GiB). */
      partSizeMib: z.number().int().min(5).max(5120).default(defaultPartSizeMib),
    })
    .strict(),
]);

export const backups = z
  .object({
    repository: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_REPOSITORY',
      doc: 'Directory holding backups; default `<dataDir>/backups`.',
    }),
    identity: setting(
      z
        .string()
        .superRefine((text, context) => {
          for (const message of parseAgeIdentities(text).problems)
            context.addIssue({ code: 'custom', message });
        })
        .optional(),
      {
        env: 'AIDB_BACKUP_IDENTITY',
        secret: true,
        doc: 'age identities that decrypt backups for verification and restore: an identity file as `age-keygen` writes it (`AGE-SECRET-KEY-1…` lines, `#` comments, blank lines; several identities allowed), or one identity.',
      },
    ),
    recipients: setting(
      z
        .array(
          z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/, 'not an age X25519 recipient (age1…)'),
        )
        .default([]),
      {
        env: 'AIDB_BACKUP_RECIPIENTS',
        doc: 'Comma-separated age X25519 recipients (`age1…`) backups are encrypted to; default: that of the first identity of `backups.identity`.',
      },
    ),
    schedule: setting(cronExpression('0 2 * * *'), {
      env: 'AIDB_BACKUP_SCHEDULE',
      doc: 'Cron expression of the database’s scheduled backups (PostgreSQL or PGlite; each followed by a level-1 verification).',
    }),
    qdrantSchedule: setting(cronExpression('0 3 * * *'), {
      env: 'AIDB_BACKUP_QDRANT_SCHEDULE',
      doc: 'Cron expression of Qdrant’s scheduled backups (agent job `backup-qdrant`), apart from the database’s so the two do not compete for the disk.',
    }),
    verifySchedule: setting(cronExpression('30 3 * * 0'), {
      env: 'AIDB_BACKUP_VERIFY_SCHEDULE',
      doc: 'Cron expression of level-2 verification (restore of the newest backup into a scratch database).',
    }),
    pruneSchedule: setting(cronExpression('0 5 * * *'), {
      env: 'AIDB_BACKUP_PRUNE_SCHEDULE',
      doc: 'Cron expression of retention runs.',
    }),
    compressionLevel: setting(z.number().int().min(1).max(19).default(3), {
      env: 'AIDB_BACKUP_COMPRESSION_LEVEL',
      doc: 'zstd level; 3 compresses 57–86 MB/s here, 1 is faster and larger.',
    }),
    qdrantCollections: setting(z.array(z.string().min(1)).default([]), {
      env: 'AIDB_BACKUP_QDRANT_COLLECTIONS',
      doc: 'Comma-separated Qdrant collections to back up; empty means all.',
    }),
    postgresBinDir: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_PG_BIN_DIR',
      doc: 'Directory of `pg_dump` and `pg_restore` (at least the server’s major version), and with PITR of `pg_basebackup`, `pg_receivewal` and the `postgres` server that level 2 and `restore --to-time` run; default: from PATH.',
    }),
    scratch: scratch.prefault({}),
    pitr: pitr.prefault({}),
    copies: setting(
      z
        .array(copy)
        .default([])
        .refine(
          (list) => new Set(list.map((c) => c.name)).size === list.length,
          'copy names must be unique',
        ),
      {
        env: false,
        doc: 'Further repositories every completed backup and WAL file is copied to, checksum-verified after upload: `{kind: path, name, path, retention}` (another volume) or `{kind: s3, name, bucket, prefix, region, endpoint, forcePathStyle, partSizeMib, retention}` (credentials from the AWS SDK’s own chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, web identity, instance role; files above `partSizeMib`, default 64, go up in parts). `retention` (`daily`, `weekly`, `monthly`, `minVerified`, `gracePeriodDays`, `maxDeletions`; each left out is the primary’s, each at least the primary’s) deletes from the copy only what the primary no longer holds; without it a copy deletes nothing. A copy that is down never blocks a backup.',
      },
    ),
    retention: retention.prefault({}),
  })
  .strict()
  .superRefine((config, context) => {
    // A copy keeps at least what the primary keeps, so losing the primary loses nothing.
    config.copies.forEach((copy, index) => {
      for (const key of Object.keys(keeps) as (keyof typeof keeps)[]) {
        const own = copy.retention?.[key];
        const primary = config.retention[key];
        if (own !== undefined && own < primary)
          context.addIssue({
            code: 'custom',
            path: ['copies', index, 'retention', key],
            message: `${String(own)} keeps less than backups.retention.${key} (${String(primary)}); a copy never keeps less than the primary`,
          });
      }
    });
  });
