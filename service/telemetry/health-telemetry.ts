import type { DependencyName } from '../../catalog/dependencies.ts';
import type { CheckType, HealthStatus } from '../../catalog/labels.ts';
import {
  dependencyHealthStatus,
  healthCheckDuration,
  healthChecks,
  serviceHealthStatus,
} from '../../catalog/metrics/health.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import { labelSets1, labelSets2 } from './label-sets.ts';

/** The service's health probes and the dependency checks behind them. */
export interface HealthTelemetry {
  /** A health check of a kind answered with a status after `seconds`. */
  healthChecked(checkType: CheckType, status: HealthStatus, seconds: number): void;
  /** The last check of a dependency found it up or down. */
  dependencyChecked(dependency: DependencyName, up: boolean): void;
}

export function createHealthTelemetry(meter: CatalogMeter): HealthTelemetry {
  const checks = meter.counter(healthChecks);
  const checkDuration = meter.histogram(healthCheckDuration);
  const serviceStatus = meter.gauge(serviceHealthStatus);
  const dependencyStatus = meter.gauge(dependencyHealthStatus);
  checks.zero();
  // Probes run on every liveness and readiness request: pre-bound.
  const checkLabels = labelSets2((check_type: CheckType, status: HealthStatus) => ({
    service: 'aidb' as const,
    check_type,
    status,
  }));
  const typeLabels = labelSets1((check_type: CheckType) => ({
    service: 'aidb' as const,
    check_type,
  }));
  const dependencyLabels = labelSets1((dependency: DependencyName) => ({ dependency }));
  return {
    healthChecked: (check_type, status, seconds) => {
      checks.add(1, checkLabels(check_type, status));
      checkDuration.record(seconds, typeLabels(check_type));
      serviceStatus.record(status === 'unhealthy' ? 0 : 1, typeLabels(check_type));
    },
    dependencyChecked: (dependency, up) => {
      dependencyStatus.record(up ? 1 : 0, dependencyLabels(dependency));
    },
  };
}
