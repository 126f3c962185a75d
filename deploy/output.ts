import { dump } from 'js-yaml';
import type { Config } from '../config/schema.ts';
import { yamlFile, type GeneratedFile } from '../lib/generated-files.ts';
import { backupCronJobs } from './backup-cronjob.ts';
import { dashboardConfigMaps } from './dashboards.ts';
import { deployment, podDisruptionBudget } from './deployment.ts';
import { imageName, selectorLabels } from './names.ts';
import { checkProbeTimings } from './probes.ts';
import { backupsClaim, configMap, service } from './resources.ts';
import { networkPolicy } from './network-policy.ts';
import { agentPodMonitor, serviceMonitor } from './service-monitor.ts';
import { version } from '../lib/version.ts';

const yaml = (value: unknown) => dump(value, { lineWidth: -1, noRefs: true });
const documents = (values: readonly unknown[]) => values.map(yaml).join('---\n');

/** Written by the alerts generator (alerts/output.ts); listed in the kustomization too. */
export const prometheusRuleFile = 'prometheusrule.yaml';

/**
 * The Kubernetes manifests under `k8s/`: everything `kubectl apply -k` installs, plus the backup
 * CronJob under `variants/` for clusters that run backups as Jobs. `dashboards` are the
 * dashboard files the dashboards generator made for the same config.
 */
export function k8sFiles(config: Config, dashboards: readonly GeneratedFile[]): GeneratedFile[] {
  checkProbeTimings(config);
  const svc = service(config);
  const files: Record<string, string> = {
    'configmap.yaml': yaml(configMap(config)),
    'deployment.yaml': yaml(deployment(config)),
    'service.yaml': yaml(svc),
    'poddisruptionbudget.yaml': yaml(podDisruptionBudget()),
    'persistentvolumeclaim.yaml': yaml(backupsClaim()),
    'servicemonitor.yaml': yaml(
      serviceMonitor(config, { matchLabels: { ...(svc.metadata?.labels ?? {}) } }),
    ),
    'dashboards.yaml': documents(dashboardConfigMaps(dashboards)),
    'networkpolicy.yaml': yaml(networkPolicy(config)),
  };
  if (!config.generate.agentServicePort)
    files['podmonitor.yaml'] = yaml(
      agentPodMonitor(config, { matchLabels: { ...selectorLabels } }),
    );
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...Object.keys(files), prometheusRuleFile].sort(),
    images: [{ name: imageName, newTag: version }],
  };
  return [
    ...Object.entries(files).map(([name, content]) => yamlFile(`k8s/${name}`, content)),
    yamlFile('k8s/kustomization.yaml', yaml(kustomization)),
    yamlFile(
      'k8s/variants/backup-cronjob.yaml',
      backupCronJobs(config)
        .map((job) => yaml(job))
        .join('---\n'),
    ),
  ];
}
