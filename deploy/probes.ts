import type { Probe } from 'kubernetes-types/core/v1.js';
import type { Config } from '../config/schema.ts';
import { probeSpecs, type ProbeName } from '../service/api/probes.ts';

/**
 * The service container's probes, copied from the table the service serves them from
 * (service/api/probes.ts), so paths and timings cannot drift apart.
 */
export function serviceProbes(port: string): Record<ProbeName, Probe> {
  const probe = (name: ProbeName): Probe => {
    const spec = probeSpecs[name];
    return {
      httpGet: { path: spec.path, port },
      periodSeconds: spec.periodSeconds,
      timeoutSeconds: spec.timeoutSeconds,
      failureThreshold: spec.failureThreshold,
      successThreshold: spec.successThreshold,
    };
  };
  return { startup: probe('startup'), readiness: probe('readiness'), liveness: probe('liveness') };
}

/**
 * Readiness checks every dependency within `health.checkTimeoutMs`; when that is not shorter
 * than the probe's own timeout, the kubelet gives up first and counts a slow but healthy
 * dependency as a failure. Refuse to write such manifests.
 */
export function checkProbeTimings(config: Config): void {
  for (const name of ['readiness', 'startup'] as const) {
    const timeoutMs = probeSpecs[name].timeoutSeconds * 1000;
    if (config.health.checkTimeoutMs >= timeoutMs) {
      throw new RangeError(
        `deploy: health.checkTimeoutMs (${String(config.health.checkTimeoutMs)} ms) must be shorter than the ${name} probe timeout (${String(timeoutMs)} ms)`,
      );
    }
  }
}
