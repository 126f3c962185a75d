import type { Config } from '../../config/schema.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CertificateStatus } from '../certificates/manager.ts';
import { createCertificatesJob } from './certificates.ts';
import { createGcJob } from './gc.ts';
import type { Job } from './job.ts';

export interface ConfiguredJobs {
  readonly jobs: readonly Job[];
  /** The watched certificates, for `/status`; empty when none are configured. */
  readonly certificates: () => readonly CertificateStatus[];
}

/**
 * The jobs the configuration asks for. Backups, verification and retention (`prune`) are
 * plugged in here by the backups issue, one `Job` each.
 */
export function configuredJobs(
  config: Config,
  logger: Logger,
  meter: CatalogMeter,
): ConfiguredJobs {
  const jobs: Job[] = [];
  const { adminKey, serviceUrl } = config.agent;
  if (adminKey === undefined) {
    logger.warn('agent: agent.adminKey is not set; the gc job is off');
  } else {
    jobs.push(createGcJob({ serviceUrl, adminKey, ...config.agent.jobs.gc }));
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
