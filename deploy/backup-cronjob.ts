import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { Config } from '../config/schema.ts';
import { agentCommand, containerSecurityContext, volumeNames } from './containers.ts';
import { podSecurityContext } from './deployment.ts';
import { configMapRef, secretEnv } from './environment.ts';
import { appName, backupsClaimName, commonLabels, image, mountPaths } from './names.ts';

/** A backup that runs longer than this is stuck (bench/backup.ts streams tens of MB/s). */
const activeDeadlineSeconds = 6 * 3600;

/**
 * `aidb backup run` as a Job on the backup schedule, for clusters that prefer Jobs to the
 * agent's own scheduler: the same image, Secret keys and repository volume as the agent.
 */
export function backupCronJob(config: Config): CronJob {
  const labels = commonLabels('backup');
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: `${appName}-backup`, labels },
    spec: {
      schedule: config.backups.schedule,
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
                  args: ['backup', 'run'],
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
