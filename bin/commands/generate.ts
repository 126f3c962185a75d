import { resolve } from 'node:path';
import { Command } from 'commander';
import { alertFiles } from '../../alerts/output.ts';
import type { Config } from '../../config/schema.ts';
import { dashboardFiles } from '../../dashboards/output.ts';
import { k8sFiles } from '../../deploy/output.ts';
import { writeGeneratedFiles, type GeneratedFile } from '../../lib/generated-files.ts';
import { loadCommandConfig } from '../config-option.ts';

/**
 * Everything `aidb generate` writes, each generator pure (config in, files out). The Kubernetes
 * manifests of `deploy/` write under `k8s/`, beside the PrometheusRule the alerts put there, and
 * wrap the same dashboards in ConfigMaps.
 */
export const generators: readonly ((config: Config) => GeneratedFile[])[] = [
  dashboardFiles,
  (config) => alertFiles(config),
  (config) => k8sFiles(config, dashboardFiles(config)),
];

export function generateCommand(): Command {
  return new Command('generate')
    .description(
      'Write dashboards, alert rules, rule tests, Alertmanager config, runbooks and manifests',
    )
    .requiredOption('-o, --out <dir>', 'output directory')
    .action(async (options: { out: string }, command: Command) => {
      const { config } = loadCommandConfig(command);
      const files = generators.flatMap((generate) => generate(config));
      const dir = resolve(options.out);
      await writeGeneratedFiles(dir, files);
      process.stdout.write(`aidb generate: wrote ${String(files.length)} files to ${dir}\n`);
    });
}
