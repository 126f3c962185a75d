import type { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-types/core/v1.js';
import type { Config } from '../config/schema.ts';
import { configData } from './environment.ts';
import {
  appName,
  backupsClaimName,
  commonLabels,
  configMapName,
  portNames,
  ports,
  selectorLabels,
} from './names.ts';

/**
 * The API's Service. The agent's port (job triggers, status, metrics) stays off it unless
 * `generate.agentServicePort` asks for it: Prometheus then scrapes the agent through it.
 */
export function service(config: Config): Service {
  const port = ports(config);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: appName, labels: commonLabels('server') },
    spec: {
      type: 'ClusterIP',
      selector: { ...selectorLabels },
      ports: [
        { name: portNames.service, port: port.service, targetPort: portNames.service },
        ...(config.generate.agentServicePort
          ? [{ name: portNames.agent, port: port.agent, targetPort: portNames.agent }]
          : []),
      ],
    },
  };
}

export function configMap(config: Config): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName, labels: commonLabels('config') },
    data: configData(config),
  };
}

export function backupsClaim(): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: backupsClaimName, labels: commonLabels('backups') },
    spec: {
      // Shared by every agent replica and the backup CronJob; the repository lock serialises runs.
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '20Gi' } },
    },
  };
}
