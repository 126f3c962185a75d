import type { Config } from '../../config/schema.ts';
import { alertFiles } from '../../alerts/output.ts';
import { dashboardFiles, dashboardPanels } from '../../dashboards/output.ts';
import { k8sFiles } from '../../deploy/output.ts';
import type { GeneratedFile } from '../../lib/generated-files.ts';

/**
 * Everything `aidb generate` writes, each generator pure (config in, files out). The Kubernetes
 * manifests of `deploy/` write under `k8s/`, beside the PrometheusRule the alerts put there, and
 * wrap the same dashboards in ConfigMaps.
 */
export const generators: readonly ((config: Config) => GeneratedFile[])[] = [
  dashboardFiles,
  (config) => alertFiles(config, undefined, dashboardPanels(config)),
  (config) => k8sFiles(config, dashboardFiles(config)),
];
