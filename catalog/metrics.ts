import { backupMetrics } from './metrics/backups.ts';
import { backupWalMetrics } from './metrics/backups-wal.ts';
import { certificateMetrics } from './metrics/certificates.ts';
import { dependencyClientMetrics } from './metrics/dependencies.ts';
import { healthMetrics } from './metrics/health.ts';
import { httpMetrics } from './metrics/http.ts';
import { jobMetrics } from './metrics/jobs.ts';
import { knowledgeMetrics } from './metrics/knowledge.ts';
import { probeMetrics } from './metrics/probes.ts';
import { protectionMetrics } from './metrics/protection.ts';
import { runtimeMetrics } from './metrics/runtime.ts';
import type { Emitter, MetricDef } from './types.ts';

/** Every metric aidb emits. Instruments are created from these entries and nowhere else. */
export const allMetrics: readonly MetricDef[] = [
  ...httpMetrics,
  ...dependencyClientMetrics,
  ...knowledgeMetrics,
  ...healthMetrics,
  ...protectionMetrics,
  ...runtimeMetrics,
  ...probeMetrics,
  ...jobMetrics,
  ...backupMetrics,
  ...backupWalMetrics,
  ...certificateMetrics,
];

/** The metrics one process exports. */
export function metricsOf(emitter: Emitter): readonly MetricDef[] {
  return allMetrics.filter((def) => def.emitters.includes(emitter));
}
