import type { Config } from '../../config/schema.ts';
import { readLocalKey } from '../../lib/local-key.ts';
import type { Logger } from '../../lib/logger.ts';
import { createGcJob } from './gc.ts';
import type { Job } from './job.ts';

/**
 * The jobs the configuration asks for. Backups, verification, retention (`prune`) and
 * certificate checks are plugged in here by the backups issue, one `Job` each.
 */
export function configuredJobs(config: Config, logger: Logger): readonly Job[] {
  const jobs: Job[] = [];
  const { serviceUrl } = config.agent;
  const adminKey = config.agent.adminKey ?? readLocalKey(config.dataDir);
  if (adminKey === undefined) {
    logger.warn(
      'agent: agent.adminKey is not set and the service made no local key; the gc job is off',
    );
  } else {
    jobs.push(createGcJob({ serviceUrl, adminKey, ...config.agent.jobs.gc }));
  }
  return jobs;
}
