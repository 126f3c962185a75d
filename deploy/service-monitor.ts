import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Config } from '../config/schema.ts';
import { appName, commonLabels, metricsKeySecretKey, portNames, secretName } from './names.ts';

/**
 * The parts of prometheus-operator's ServiceMonitor (monitoring.coreos.com/v1) aidb uses;
 * kubernetes-types covers only the core API groups.
 */
export interface ServiceMonitorEndpoint {
  readonly port: string;
  readonly path: string;
  readonly interval: string;
  readonly authorization?: {
    readonly type: 'Bearer';
    readonly credentials: { readonly name: string; readonly key: string };
  };
  readonly relabelings: readonly { readonly targetLabel: string; readonly replacement: string }[];
}

export interface ServiceMonitor {
  readonly apiVersion: 'monitoring.coreos.com/v1';
  readonly kind: 'ServiceMonitor';
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: {
    readonly selector: LabelSelector;
    readonly endpoints: readonly ServiceMonitorEndpoint[];
  };
}

/**
 * Both `/metrics` endpoints. The rules select `job` by `generate.serviceJob`/`agentJob`, so each
 * endpoint sets its job label to match instead of the operator's default (the Service name).
 * The service's endpoint needs a bearer key, taken from the Secret by reference.
 */
export function serviceMonitor(config: Config, selector: LabelSelector): ServiceMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: appName, labels: commonLabels('monitoring') },
    spec: {
      selector,
      endpoints: [
        {
          port: portNames.service,
          path: '/metrics',
          interval: '15s',
          authorization: {
            type: 'Bearer',
            credentials: { name: secretName, key: metricsKeySecretKey },
          },
          relabelings: [{ targetLabel: 'job', replacement: config.generate.serviceJob }],
        },
        {
          port: portNames.agent,
          path: '/metrics',
          interval: '15s',
          relabelings: [{ targetLabel: 'job', replacement: config.generate.agentJob }],
        },
      ],
    },
  };
}
