import type { Logger } from '../lib/logger.ts';
import type { ProbeCell } from './probe-metrics.ts';
import { runProbe, type ProbeOutcome } from './run-probe.ts';
import type { Target } from './targets.ts';
import { nextThresholdState, spreadOffsetMs, type TargetState } from './thresholds.ts';
import type { ProbeDependency } from '../catalog/labels.ts';

/** One target as `/status` shows it. */
export interface TargetStatus {
  readonly name: string;
  readonly probe: Target['probe'];
  readonly dependency: ProbeDependency;
  readonly state: TargetState;
  readonly consecutiveFailures: number;
  readonly lastTransition: string | null;
  readonly lastResult: {
    readonly success: boolean;
    readonly at: string;
    readonly durationSeconds: number;
    readonly reason: string | null;
    readonly error: string | null;
  } | null;
}

export interface TargetRunner {
  readonly target: Target;
  start(): void;
  /** Stops scheduling, cuts a running probe and waits for it to settle. */
  stop(): Promise<void>;
  status(): TargetStatus;
}

export interface TargetRunnerDeps {
  /** Where the target's values live for `/metrics` (createProbeMetrics().add). */
  readonly cell: ProbeCell;
  readonly logger: Logger;
}

/**
 * Probes one target on its interval: first after the initial delay plus the target's spread
 * offset, then on a fixed cadence of one interval. When a probe is still running at the next
 * due time (one that ignored its cut), that next probe is skipped: probes never overlap.
 */
export function createTargetRunner(deps: TargetRunnerDeps): TargetRunner {
  const { cell, logger } = deps;
  const { target } = cell;
  const { intervalMs, initialDelayMs } = target.timing;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  /** When the next probe is due, ms since the epoch. */
  let due = 0;

  function record(outcome: ProbeOutcome): void {
    const previous = cell.thresholds.state;
    const thresholds = nextThresholdState(
      cell.thresholds,
      outcome.success,
      Date.now(),
      target.timing,
    );
    cell.thresholds = thresholds;
    cell.last = outcome;
    if (thresholds.state !== previous) {
      const log = thresholds.state === 'down' ? logger.warn.bind(logger) : logger.info.bind(logger);
      log(
        { target: target.name, state: thresholds.state, reason: outcome.reason },
        'agent: target changed state',
      );
    }
  }

  async function probeOnce(): Promise<void> {
    let settled: Promise<void> = Promise.resolve();
    const outcome = await runProbe(target, cell.recorder, {
      stop: stopping.signal,
      onAttempt: (attempt) => {
        settled = attempt;
      },
    });
    // A probe cut by shutdown says nothing about the target.
    if (!stopping.signal.aborted) record(outcome);
    await settled;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  function tick(): void {
    inFlight ??= probeOnce()
      .catch((error: unknown) => {
        logger.error({ err: error, target: target.name }, 'agent: probe runner failed');
      })
      .finally(() => {
        inFlight = undefined;
      });
    // A fixed cadence from when the probe was due, not from when a late timer fired, so a
    // busy event loop does not stretch every interval; a due time already past is dropped.
    const now = Date.now();
    due += intervalMs;
    if (due < now) due = now;
    if (!stopping.signal.aborted) schedule(due - now);
  }

  return {
    target,
    start() {
      const delay = initialDelayMs + spreadOffsetMs(target.name, intervalMs);
      due = Date.now() + delay;
      schedule(delay);
    },
    async stop() {
      stopping.abort(new Error('agent: shutting down'));
      clearTimeout(timer);
      await inFlight;
    },
    status() {
      const { thresholds, last } = cell;
      return {
        name: target.name,
        probe: target.probe,
        dependency: target.dependency,
        state: thresholds.state,
        consecutiveFailures: thresholds.consecutiveFailures,
        lastTransition:
          thresholds.lastTransitionMs === undefined
            ? null
            : new Date(thresholds.lastTransitionMs).toISOString(),
        lastResult:
          last === undefined
            ? null
            : {
                success: last.success,
                at: new Date(last.startedAtMs).toISOString(),
                durationSeconds: last.durationSeconds,
                reason: last.reason ?? null,
                error: last.message ?? null,
              },
      };
    },
  };
}
