import type { Config } from '../../config/schema.ts';
import { readLocalKey } from '../../lib/local-key.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import type { CertificateStatus } from '../certificates/manager.ts';
import { backupsConfigured, createBackupJobs } from './backups.ts';
import { createCertificatesJob } from './certificates.ts';
import { createGcJob } from './gc.ts';
import type { Job } from './job.ts';

export interface ConfiguredJobs {
  readonly jobs: readonly Job[];
  /** The watched certificates, for `/status`; empty when none are configured. */
  readonly certificates: () => readonly CertificateStatus[];
}

/** The jobs the configuration asks for; `meter` records what the backup and certificate jobs export. */
export function configuredJobs(
  config: Config,
  logger: Logger,
  meter: CatalogMeter,
): ConfiguredJobs {
  const jobs: Job[] = [];
  const { serviceUrl } = config.agent;
  const adminKey = () => config.agent.adminKey ?? readLocalKey(config.dataDir);
  jobs.push(createGcJob({ serviceUrl, adminKey, ...config.agent.jobs.gc }));
  if (backupsConfigured(config)) {
    jobs.push(...createBackupJobs({ config, logger, meter }));
  } else {
    logger.info('agent: backups.recipients and backups.identity are unset; backup jobs are off');
  }
  let certificates: ConfiguredJobs['certificates'] = () => [];
  if (config.agent.jobs.certificates.certificates.length > 0) {
    const job = createCertificatesJob({
      config: config.agent.jobs.certificates,
      dataDir: config.dataDir,
      meter,
      logger,
    });
    jobs.push(job);
    certificates = () => job.manager.status();
  }
  return { jobs, certificates };
}
