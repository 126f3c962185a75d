import { describe, expect, it } from 'vitest';
import { alertFiles } from '../../../alerts/output.ts';
import { burnWindows } from '../../../alerts/slo/windows.ts';
import { dependencies } from '../../../catalog/dependencies.ts';
import { allMetrics } from '../../../catalog/metrics.ts';
import { monitoringMetrics } from '../../../catalog/metrics/monitoring.ts';
import { allSlos } from '../../../catalog/slos.ts';
import { loadConfig } from '../../../config/load.ts';
import { dashboardFiles } from '../../../dashboards/output.ts';
import { k8sFiles } from '../../../deploy/output.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('generation', () => {
  it('never changes its input: catalog, SLOs, dependency graph, windows and configuration', () => {
    const { config } = loadConfig({ env: {}, readFile: () => '' });
    const inputs = [
      config,
      allMetrics,
      monitoringMetrics,
      allSlos,
      dependencies,
      burnWindows,
    ] as const;
    const before = structuredClone(inputs);
    // Frozen inputs make any write throw (modules run in strict mode).
    for (const input of inputs) deepFreeze(input);
    const all = () => [
      ...dashboardFiles(config),
      ...alertFiles(config),
      ...k8sFiles(config, dashboardFiles(config)),
    ];
    const first = all();
    const second = all();
    expect(structuredClone(inputs)).toEqual(before);
    expect(second).toEqual(first);
  });
});
