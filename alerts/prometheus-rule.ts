import type { PrometheusRuleGroup } from './rules-file.ts';

/**
 * The same rule groups as a prometheus-operator `PrometheusRule` (monitoring.coreos.com/v1), for
 * clusters where the operator loads rules; the Kubernetes manifests of issue 10 include it.
 */
export function prometheusRuleResource(groups: readonly PrometheusRuleGroup[]) {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'aidb',
      labels: { 'app.kubernetes.io/name': 'aidb', 'app.kubernetes.io/component': 'alerts' },
    },
    spec: { groups },
  };
}
