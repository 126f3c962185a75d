import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { configuredTargets } from '../backups/configured-targets.ts';
import type { Config } from '../config/schema.ts';
import { agentCommand, containerSecurityContext, volumeNames } from './containers.ts';
import { podSecurityContext } from './deployment.ts';
import { configMapRef, secretEnv } from './environment.ts';
import { appName, backupsClaimName, commonLabels, image, mountPaths } from './names.ts';

/** A backup that runs longer than this is stuck (bench/backup.ts streams tens of MB/s). */
const activeDeadlineSeconds = 6 * 3600;

/**
 * `aidb backup run <target>` as Jobs, one CronJob per target on that target's schedule (the
 * database at `backups.schedule`, Qdrant at `backups.qdrantSchedule`), for clusters that prefer
 * Jobs to the agent's own scheduler: the same image, Secret keys and repository volume.
 */
export function backupCronJobs(config: Config): CronJob[] {
  const jobs = [backupCronJob(config, 'backup', 'pg', config.backups.schedule)];
  if (configuredTargets(config).includes('qdrant'))
    jobs.push(backupCronJob(config, 'backup-qdrant', 'qdrant', config.backups.qdrantSchedule));
  return jobs;
}

function backupCronJob(
  config: Config,
  component: string,
  target: string,
  schedule: string,
): CronJob {
  const labels = commonLabels(component);
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: `${appName}-${component}`, labels },
    spec: {
      schedule,
      timeZone: config.backups.retention.timeZone,
      // A run still going when the next is due is not doubled (the repository lock would
      // refuse it anyway, exit 75).
      concurrencyPolicy: 'Forbid',
      // A run missed by more than the stale grace would raise the stale-backup alert anyway.
      startingDeadlineSeconds: config.generate.backupStaleGraceSeconds,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          activeDeadlineSeconds,
          backoffLimit: 1,
          ttlSecondsAfterFinished: 7 * 24 * 3600,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              securityContext: podSecurityContext,
              containers: [
                {
                  name: 'backup',
                  image,
                  imagePullPolicy: 'IfNotPresent',
                  command: agentCommand,
                  args: ['backup', 'run', target],
                  envFrom: [configMapRef],
                  env: secretEnv(true),
                  resources: {
                    requests: { cpu: '250m', memory: '128Mi' },
                    limits: { memory: '512Mi' },
                  },
                  securityContext: containerSecurityContext,
                  volumeMounts: [
                    { name: volumeNames.tmp, mountPath: mountPaths.tmp },
                    { name: volumeNames.data, mountPath: mountPaths.data },
                    { name: volumeNames.backups, mountPath: mountPaths.backups },
                  ],
                },
              ],
              volumes: [
                { name: volumeNames.tmp, emptyDir: {} },
                { name: volumeNames.data, emptyDir: {} },
                {
                  name: volumeNames.backups,
                  persistentVolumeClaim: { claimName: backupsClaimName },
                },
              ],
            },
          },
        },
      },
    },
  };
}
