import { z } from 'zod';
import { setting } from '../setting.ts';

const retention = z
  .object({
    daily: setting(z.number().int().min(0).max(366).default(7), {
      env: 'AIDB_BACKUP_KEEP_DAILY',
      doc: 'Daily backups kept.',
    }),
    weekly: setting(z.number().int().min(0).max(520).default(4), {
      env: 'AIDB_BACKUP_KEEP_WEEKLY',
      doc: 'Weekly backups kept (ISO weeks).',
    }),
    monthly: setting(z.number().int().min(0).max(1200).default(12), {
      env: 'AIDB_BACKUP_KEEP_MONTHLY',
      doc: 'Monthly backups kept.',
    }),
    timeZone: setting(z.string().min(1).default('UTC'), {
      env: 'AIDB_BACKUP_TIME_ZONE',
      doc: 'IANA time zone whose calendar days, weeks and months retention counts.',
    }),
  })
  .strict();

export const backups = z
  .object({
    repository: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_REPOSITORY',
      doc: 'Directory holding backups; default `<dataDir>/backups`.',
    }),
    identity: setting(z.string().min(1).optional(), {
      env: 'AIDB_BACKUP_IDENTITY',
      secret: true,
      doc: 'age identity (`AGE-SECRET-KEY-1…`) that decrypts backups for verification and restore.',
    }),
    recipients: setting(z.array(z.string().min(1)).default([]), {
      env: 'AIDB_BACKUP_RECIPIENTS',
      doc: 'Comma-separated age recipients (`age1…`) backups are encrypted to.',
    }),
    schedule: setting(z.string().min(1).default('0 2 * * *'), {
      env: 'AIDB_BACKUP_SCHEDULE',
      doc: 'Cron expression of scheduled backups.',
    }),
    retention: retention.prefault({}),
  })
  .strict();
