import type { Config } from '../../config/schema.ts';
import { readLocalKey } from '../../lib/local-key.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import { backupsConfigured, createBackupJobs } from './backups.ts';
import { createGcJob } from './gc.ts';
import type { Job } from './job.ts';

/** The jobs the configuration asks for; `meter` records what the backup jobs export. */
export function configuredJobs(
  config: Config,
  logger: Logger,
  meter: CatalogMeter,
): readonly Job[] {
  const jobs: Job[] = [];
  const { serviceUrl } = config.agent;
  const adminKey = () => config.agent.adminKey ?? readLocalKey(config.dataDir);
  jobs.push(createGcJob({ serviceUrl, adminKey, ...config.agent.jobs.gc }));
  if (backupsConfigured(config)) {
    jobs.push(...createBackupJobs({ config, logger, meter }));
  } else {
    logger.info('agent: backups.recipients and backups.identity are unset; backup jobs are off');
  }
  return jobs;
}
