import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { GeneratedFile } from '../lib/generated-files.ts';
import { appName, commonLabels } from './names.ts';

/**
 * Grafana's dashboard sidecar (kiwigrid/k8s-sidecar, as in the Grafana Helm chart) loads every
 * ConfigMap carrying this label; the annotation names the folder they land in.
 */
export const grafanaSidecarLabel = { grafana_dashboard: '1' } as const;
export const grafanaFolderAnnotation = 'grafana_folder';

/** One ConfigMap per dashboard: a ConfigMap holds at most 1 MiB, a dashboard alone fits. */
export function dashboardConfigMaps(files: readonly GeneratedFile[]): ConfigMap[] {
  return files
    .filter((file) => /^dashboards\/[^/]+\.json$/.test(file.path))
    .map((file) => {
      const fileName = file.path.slice('dashboards/'.length);
      return {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${appName}-dashboard-${fileName.replace(/\.json$/, '')}`,
          labels: { ...commonLabels('dashboards'), ...grafanaSidecarLabel },
          annotations: { [grafanaFolderAnnotation]: appName },
        },
        data: { [fileName]: file.content },
      };
    });
}
