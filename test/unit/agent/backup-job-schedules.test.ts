import { describe, expect, it } from 'vitest';
import { createBackupJobs } from '../../../agent/jobs/backups.ts';
import { backupMetrics } from '../../../catalog/metrics/backups.ts';
import { loadConfig } from '../../../config/load.ts';
import { createLogger } from '../../../lib/logger.ts';
import { createPrometheusMetrics } from '../../../lib/telemetry/prometheus.ts';

function jobsFor(env: Record<string, string>) {
  const { config } = loadConfig({ env, readFile: () => '' });
  const { meter } = createPrometheusMetrics({
    serviceName: 'test',
    serviceVersion: '0',
    metrics: backupMetrics,
    env: {},
  });
  return createBackupJobs({
    config,
    logger: createLogger({ level: 'silent', name: 'test' }),
    meter,
    createEngine: () => Promise.reject(new Error('not used')),
  }).map((job) => [job.name, job.schedule]);
}

describe('per-target backup schedules', () => {
  const external = { AIDB_PROFILE: 'external', DATABASE_URL: 'postgres://db/aidb' };

  it('backs up PostgreSQL at 02:00 and Qdrant at 03:00 by default, as the original did', () => {
    expect(jobsFor({ ...external, QDRANT_URL: 'http://qdrant:6333' })).toEqual([
      ['backup', '0 2 * * *'],
      ['backup-qdrant', '0 3 * * *'],
      ['verify', '30 3 * * 0'],
      ['prune', '0 5 * * *'],
    ]);
  });

  it('takes each target’s schedule from its own setting', () => {
    const jobs = jobsFor({
      ...external,
      QDRANT_URL: 'http://qdrant:6333',
      AIDB_BACKUP_SCHEDULE: '15 1 * * *',
      AIDB_BACKUP_QDRANT_SCHEDULE: '45 4 * * 1',
    });
    expect(jobs.slice(0, 2)).toEqual([
      ['backup', '15 1 * * *'],
      ['backup-qdrant', '45 4 * * 1'],
    ]);
  });

  it('has no Qdrant job where Qdrant is not configured', () => {
    expect(jobsFor(external).map(([name]) => name)).toEqual(['backup', 'verify', 'prune']);
  });
});
