import { probes } from './probes/index.ts';
import {
  failureReason,
  untilAborted,
  type Probe,
  type ProbeFailureReason,
  type ProbeRecorder,
} from './probes/probe.ts';
import type { Target } from './targets.ts';

export interface ProbeOutcome {
  readonly success: boolean;
  /** When the probe started, ms since the epoch. */
  readonly startedAtMs: number;
  readonly durationSeconds: number;
  readonly reason?: ProbeFailureReason;
  readonly message?: string;
}

export interface RunProbeOptions {
  /** Shutdown: cuts the probe like its timeout, without counting as a timeout. */
  readonly stop?: AbortSignal | undefined;
  /** Receives a promise that settles when the probe itself has finished, even after a cut. */
  readonly onAttempt?: (settled: Promise<void>) => void;
}

/**
 * Runs one probe of a target under its timeout: what the runner and `aidb agent probe` share.
 * The probe is cut when the timeout (or `stop`) fires even if it ignores its signal.
 */
export async function runProbe(
  target: Target,
  record: ProbeRecorder,
  options: RunProbeOptions = {},
): Promise<ProbeOutcome> {
  const { stop } = options;
  // One controller per probe rather than AbortSignal.any() over the long-lived stop signal,
  // so nothing accumulates on the stop signal across millions of probes.
  const controller = new AbortController();
  const signal = controller.signal;
  // Timed from before the timeout is armed, so a cut probe's duration is not short of it.
  const startedAtMs = Date.now();
  const start = performance.now();
  const timeout = { fired: false };
  // The timeout's error is made only when it fires: an Error per probe (its stack captured) was
  // garbage at every probe that answered in time.
  const timer = setTimeout(() => {
    if (signal.aborted) return;
    timeout.fired = true;
    controller.abort(new Error(`agent: probe timeout of ${target.timing.timeoutMs} ms`));
  }, target.timing.timeoutMs);
  const onStop = (): void => {
    controller.abort(stop?.reason);
  };
  stop?.addEventListener('abort', onStop, { once: true });
  const probe = probes[target.probe] as Probe<Target['options']>;
  const aborted = untilAborted(signal);
  try {
    const attempt = probe(target.options, { signal, record });
    // A probe that outlives its timeout settles later, unobserved but tracked.
    const settled = attempt.then(
      () => undefined,
      () => undefined,
    );
    options.onAttempt?.(settled);
    await Promise.race([attempt, aborted.promise]);
    return { success: true, startedAtMs, durationSeconds: (performance.now() - start) / 1000 };
  } catch (error) {
    const durationSeconds = (performance.now() - start) / 1000;
    if (timeout.fired) {
      const message = `${target.probe}: no answer within ${target.timing.timeoutMs} ms`;
      return { success: false, startedAtMs, durationSeconds, reason: 'timeout', message };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { success: false, startedAtMs, durationSeconds, reason: failureReason(error), message };
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', onStop);
    aborted.dispose();
  }
}
