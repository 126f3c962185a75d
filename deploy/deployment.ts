import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { PodSecurityContext, PodSpec } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { Config } from '../config/schema.ts';
import { agentContainer, serviceContainer, volumeNames } from './containers.ts';
import { appName, backupsClaimName, commonLabels, selectorLabels } from './names.ts';

/** uid/gid of the image's `node` user (Containerfile `USER 1000:1000`). */
const imageUser = 1000;

export const podSecurityContext: PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: imageUser,
  runAsGroup: imageUser,
  fsGroup: imageUser,
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Two replicas, so a node drain or a rollout keeps one serving; the backup repository is a
 * ReadWriteMany claim both agents share, and its lock lets only one backup run at a time (and
 * the agents' job claims, one run per schedule). test/integration/service/replica-stack.test.ts
 * runs this many replicas on one database and kills one under load.
 */
export const replicas = 2;

/** Pods that must stay up through a voluntary disruption: the drill's survivor. */
export const minAvailable = 1;

export function podSpec(config: Config): PodSpec {
  return {
    automountServiceAccountToken: false,
    securityContext: podSecurityContext,
    // The service's own deadline covers the drain delay and the close; the kubelet waits a
    // little longer so that SIGKILL never cuts a shutdown that would have finished.
    terminationGracePeriodSeconds: Math.ceil(config.service.shutdownDeadlineMs / 1000) + 5,
    containers: [serviceContainer(config), agentContainer(config)],
    volumes: [
      { name: volumeNames.data, emptyDir: {} },
      { name: volumeNames.tmp, emptyDir: {} },
      { name: volumeNames.backups, persistentVolumeClaim: { claimName: backupsClaimName } },
    ],
  };
}

export function deployment(config: Config): Deployment {
  const labels = commonLabels('server');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: appName, labels },
    spec: {
      replicas,
      selector: { matchLabels: { ...selectorLabels } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: { metadata: { labels }, spec: podSpec(config) },
    },
  };
}

export function podDisruptionBudget(): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: appName, labels: commonLabels('server') },
    spec: { minAvailable, selector: { matchLabels: { ...selectorLabels } } },
  };
}
