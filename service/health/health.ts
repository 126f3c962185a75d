import type { CheckType, HealthStatus } from '../../catalog/labels.ts';
import type { HealthReport } from '../api/health.ts';
import type { Breakers } from '../resilience/breakers.ts';
import type { HealthTelemetry } from '../telemetry/health-telemetry.ts';
import type { DependencyCheck } from './checks.ts';
import type { EventLoopWatch } from './event-loop.ts';
import { sanitizeError } from './sanitize.ts';

/** One dependency's result, in the shape of the original service's readiness details. */
export interface DependencyResult {
  readonly name: string;
  readonly status: HealthStatus;
  readonly critical: boolean;
  readonly message: string;
  readonly error: string | null;
  readonly latency_ms: number;
}

export interface HealthOptions {
  /** The dependency checks; empty until start-up has reached the store. */
  readonly checks: () => readonly DependencyCheck[];
  /** Why the service cannot serve yet (start-up still reaching PostgreSQL), or undefined. */
  readonly starting: () => string | undefined;
  readonly checkTimeoutMs: number;
  /** How long a readiness result is reused (≤ 2 s), so probes cannot flood dependencies. */
  readonly readyCacheMs: number;
  readonly eventLoopStallMs: number;
  readonly eventLoop: EventLoopWatch;
  readonly telemetry: HealthTelemetry;
  readonly breakers: Breakers;
  readonly indexKind: () => string;
  readonly version: string;
  readonly now?: () => number;
}

export interface Health {
  live(): HealthReport;
  ready(): Promise<HealthReport>;
  startup(): Promise<HealthReport>;
  detailed(): Promise<HealthReport>;
  /** Readiness answers 503 from now on: the process is shutting down. */
  drain(): void;
  readonly draining: boolean;
  /** The last dependency results (for the legacy composite view). */
  dependencies(): Promise<readonly DependencyResult[]>;
}

const service = 'aidb';

/** Milliseconds since `started`, to a tenth: the clock's other digits are noise. */
const elapsedMs = (started: number): number => Math.round((performance.now() - started) * 10) / 10;

async function runCheck(check: DependencyCheck, timeoutMs: number): Promise<DependencyResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check.run(), timeout]);
    return {
      name: check.name,
      status: 'healthy',
      critical: check.critical,
      message: `${check.name} is healthy`,
      error: null,
      latency_ms: elapsedMs(started),
    };
  } catch (error) {
    return {
      name: check.name,
      status: 'unhealthy',
      critical: check.critical,
      message: `${check.name} is unhealthy`,
      error: sanitizeError(error),
      latency_ms: elapsedMs(started),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Kubernetes probe semantics over the service's dependency checks (lightship/terminus style). */
export function createHealth(options: HealthOptions): Health {
  const now = options.now ?? Date.now;
  let draining = false;
  let started = false;
  let cached: { at: number; results: Promise<DependencyResult[]> } | undefined;

  const checkAll = (): Promise<DependencyResult[]> => {
    const results = Promise.all(
      options.checks().map((check) => runCheck(check, options.checkTimeoutMs)),
    );
    void results.then((list) => {
      for (const result of list)
        options.telemetry.dependencyChecked(
          result.name as DependencyCheck['name'],
          result.status === 'healthy',
        );
      if (
        options.starting() === undefined &&
        list.every((r) => r.status === 'healthy' || !r.critical)
      )
        started = true;
    });
    return results;
  };
  const cachedResults = (): Promise<DependencyResult[]> => {
    if (cached === undefined || now() - cached.at >= options.readyCacheMs)
      cached = { at: now(), results: checkAll() };
    return cached.results;
  };

  const report = (
    checkType: CheckType,
    status: HealthStatus,
    message: string,
    details: Record<string, unknown>,
    startedAt: number,
  ): HealthReport => {
    const durationMs = performance.now() - startedAt;
    options.telemetry.healthChecked(checkType, status, durationMs / 1000);
    return {
      status,
      check_type: checkType,
      message,
      details: { service, ...details },
      timestamp: new Date(now()).toISOString(),
      duration_ms: Math.round(durationMs * 10) / 10,
    };
  };

  const summarize = (
    results: readonly DependencyResult[],
  ): { status: HealthStatus; critical: number; nonCritical: number } => {
    const critical = results.filter((r) => r.status !== 'healthy' && r.critical).length;
    const nonCritical = results.filter((r) => r.status !== 'healthy' && !r.critical).length;
    return {
      status: critical > 0 ? 'unhealthy' : nonCritical > 0 ? 'degraded' : 'healthy',
      critical,
      nonCritical,
    };
  };

  return {
    get draining() {
      return draining;
    },
    drain() {
      draining = true;
    },
    dependencies: cachedResults,
    live() {
      const startedAt = performance.now();
      const worst = options.eventLoop.takeWorstMs();
      // Start-up may block the loop (PGlite compiles its WebAssembly); Kubernetes runs no
      // liveness probe before the startup probe succeeds, and neither does this judgement.
      const stalled = worst > options.eventLoopStallMs && options.starting() === undefined;
      return report(
        'liveness',
        stalled ? 'unhealthy' : 'healthy',
        stalled ? `event loop stalled for ${Math.round(worst)} ms` : `${service} is alive`,
        { event_loop_delay_ms: Math.round(worst) },
        startedAt,
      );
    },
    async ready() {
      const startedAt = performance.now();
      if (draining)
        return report(
          'readiness',
          'unhealthy',
          `${service} is shutting down`,
          { draining: true },
          startedAt,
        );
      const reason = options.starting();
      if (reason !== undefined)
        return report(
          'readiness',
          'unhealthy',
          `${service} is starting: ${reason}`,
          { starting: reason, dependencies: [], critical_failures: 1, non_critical_failures: 0 },
          startedAt,
        );
      const results = await cachedResults();
      const summary = summarize(results);
      const message =
        summary.status === 'unhealthy'
          ? `${service} is not ready`
          : summary.status === 'degraded'
            ? `${service} is ready, degraded`
            : `${service} is ready`;
      return report(
        'readiness',
        summary.status,
        message,
        {
          dependencies: results,
          critical_failures: summary.critical,
          non_critical_failures: summary.nonCritical,
        },
        startedAt,
      );
    },
    async startup() {
      const startedAt = performance.now();
      const reason = options.starting();
      if (!started && reason === undefined) await cachedResults();
      return report(
        'startup',
        started ? 'healthy' : 'unhealthy',
        started
          ? `${service} startup complete`
          : `${service} is starting${reason === undefined ? '' : `: ${reason}`}`,
        { startup_complete: started, ...(reason === undefined ? {} : { starting: reason }) },
        startedAt,
      );
    },
    async detailed() {
      const startedAt = performance.now();
      // Run now, uncached: a person asking wants the present, not the last second.
      const results = await checkAll();
      const reason = options.starting();
      const summary = summarize(results);
      const status = draining || reason !== undefined ? 'unhealthy' : summary.status;
      const breakers = Object.fromEntries(
        options.breakers.dependencies.map((d) => [d, options.breakers.state(d)]),
      );
      return report(
        'detailed',
        status,
        draining
          ? `${service} is shutting down`
          : reason === undefined
            ? `${service} is ${summary.status}`
            : `${service} is starting: ${reason}`,
        {
          version: options.version,
          uptime_seconds: Math.round(process.uptime()),
          vector_index: options.indexKind(),
          draining,
          ...(reason === undefined ? {} : { starting: reason }),
          dependencies: results.map((r) => ({ ...r, breaker: breakers[r.name] ?? null })),
          circuit_breakers: breakers,
        },
        startedAt,
      );
    },
  };
}
