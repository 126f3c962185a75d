import type { NetworkPolicy, NetworkPolicyIngressRule } from 'kubernetes-types/networking/v1.js';
import type { Config } from '../config/schema.ts';
import { appName, commonLabels, portNames, selectorLabels } from './names.ts';

/**
 * The Prometheus pods prometheus-operator creates carry this label; the namespace is matched by
 * the `kubernetes.io/metadata.name` label Kubernetes (1.22+) sets on every namespace.
 */
export const prometheusPodLabels = { 'app.kubernetes.io/name': 'prometheus' } as const;

/**
 * Ingress to the aidb pods: the API port (which also serves the service's `/metrics`, behind a
 * read key) from anywhere, since API clients can be anywhere; the agent's port only from
 * Prometheus; and, when the agent answers ACME HTTP-01 itself, its responder from anywhere (the
 * CA is outside). Nothing else: any pod that could reach the agent could otherwise start a
 * prune. Kubelet probes come from the node, which a NetworkPolicy never blocks.
 */
export function networkPolicy(config: Config): NetworkPolicy {
  const ingress: NetworkPolicyIngressRule[] = [
    { ports: [{ port: portNames.service, protocol: 'TCP' }] },
    {
      from: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': config.generate.prometheusNamespace },
          },
          podSelector: { matchLabels: { ...prometheusPodLabels } },
        },
      ],
      ports: [{ port: portNames.agent, protocol: 'TCP' }],
    },
  ];
  const acme = config.agent.jobs.certificates;
  if (acme.certificates.length > 0 && acme.challenge.mode === 'standalone')
    ingress.push({ ports: [{ port: acme.challenge.port, protocol: 'TCP' }] });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: appName, labels: commonLabels('server') },
    spec: {
      podSelector: { matchLabels: { ...selectorLabels } },
      policyTypes: ['Ingress'],
      ingress,
    },
  };
}
