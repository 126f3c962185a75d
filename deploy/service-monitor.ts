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

/** prometheus-operator's PodMonitor (monitoring.coreos.com/v1), the parts aidb uses. */
export interface PodMonitor {
  readonly apiVersion: 'monitoring.coreos.com/v1';
  readonly kind: 'PodMonitor';
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: {
    readonly selector: LabelSelector;
    readonly podMetricsEndpoints: readonly ServiceMonitorEndpoint[];
  };
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
 * A `/metrics` endpoint. The rules select `job` by `generate.serviceJob`/`agentJob`, so each
 * endpoint sets its job label to match instead of the operator's default (the Service name).
 * Both endpoints need a read key, taken from the Secret by reference.
 */
function metricsEndpoint(port: string, job: string): ServiceMonitorEndpoint {
  return {
    port,
    path: '/metrics',
    interval: '15s',
    authorization: { type: 'Bearer', credentials: { name: secretName, key: metricsKeySecretKey } },
    relabelings: [{ targetLabel: 'job', replacement: job }],
  };
}

/** The service's `/metrics`, and the agent's when `generate.agentServicePort` puts it on the Service. */
export function serviceMonitor(config: Config, selector: LabelSelector): ServiceMonitor {
  const { serviceJob, agentJob, agentServicePort } = config.generate;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: appName, labels: commonLabels('monitoring') },
    spec: {
      selector,
      endpoints: [
        metricsEndpoint(portNames.service, serviceJob),
        ...(agentServicePort ? [metricsEndpoint(portNames.agent, agentJob)] : []),
      ],
    },
  };
}

/** The agent's `/metrics` on each pod, when its port is kept off the Service (the default). */
export function agentPodMonitor(config: Config, selector: LabelSelector): PodMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: `${appName}-agent`, labels: commonLabels('monitoring') },
    spec: {
      selector,
      podMetricsEndpoints: [metricsEndpoint(portNames.agent, config.generate.agentJob)],
    },
  };
}
