import { backoffDelayMs, type BackoffPolicy } from '../../lib/backoff.ts';

/** Where start-up stands; `retrying` waits out a backoff between two failed attempts. */
export const bootPhases = ['starting', 'retrying', 'ready', 'stopped'] as const;
export type BootPhase = (typeof bootPhases)[number];

export interface BootState {
  readonly phase: BootPhase;
  /** Attempts begun so far. */
  readonly attempts: number;
  /** Why the last attempt failed, in words a client may see; undefined once ready. */
  readonly lastError: string | undefined;
  /** When the next attempt begins (the clock's milliseconds), while retrying. */
  readonly nextAttemptAt: number | undefined;
}

export interface BootOptions<T> {
  /** One attempt at everything start-up needs; it cleans up after itself when it fails. */
  readonly attempt: (signal: AbortSignal) => Promise<T>;
  readonly backoff: BackoffPolicy;
  /** Resolves after `ms`, or early when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
  /** The failure as one line without secrets (it reaches probes and clients). */
  readonly describe: (error: unknown) => string;
  readonly onFailure?: (state: BootState, error: unknown) => void;
  /** Releases a value whose attempt finished after `stop`. */
  readonly discard: (value: T) => Promise<void>;
}

export interface Boot<T> {
  /** Begins the attempts; later calls do nothing. */
  start(): void;
  state(): BootState;
  /** The attempt's result once ready, else undefined. */
  value(): T | undefined;
  /** Resolves with the value when ready; rejects if stopped before. */
  ready(): Promise<T>;
  /** Ends the retries and waits for an attempt in flight; idempotent. */
  stop(): Promise<void>;
}

/**
 * Start-up as a small state machine: starting → (retrying → starting)* → ready, or stopped at
 * any point. Every failed attempt is retried after a capped, jittered backoff, for ever: a
 * process that exits because a dependency is late turns an outage into a crash loop, and the
 * startup probe, not the process, decides when waiting is too long.
 */
export function createBoot<T>(options: BootOptions<T>): Boot<T> {
  let state: BootState = {
    phase: 'starting',
    attempts: 0,
    lastError: undefined,
    nextAttemptAt: undefined,
  };
  let result: T | undefined;
  const stopping = new AbortController();
  let settle: { resolve: (value: T) => void; reject: (error: Error) => void } | undefined;
  const readiness = new Promise<T>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A caller that never awaits readiness must not see an unhandled rejection when stopped.
  readiness.catch(() => undefined);

  const stopped = (): boolean => stopping.signal.aborted;
  const loop = async (): Promise<void> => {
    while (!stopped()) {
      state = {
        ...state,
        phase: 'starting',
        attempts: state.attempts + 1,
        nextAttemptAt: undefined,
      };
      try {
        const value = await options.attempt(stopping.signal);
        if (stopped()) {
          await options.discard(value);
          break;
        }
        result = value;
        state = { ...state, phase: 'ready', lastError: undefined };
        settle?.resolve(value);
        return;
      } catch (error) {
        if (stopped()) break;
        const delay = backoffDelayMs(state.attempts, options.backoff, options.random);
        state = {
          ...state,
          phase: 'retrying',
          lastError: options.describe(error),
          nextAttemptAt: options.now() + delay,
        };
        options.onFailure?.(state, error);
        await options.sleep(delay, stopping.signal);
      }
    }
    state = { ...state, phase: 'stopped', nextAttemptAt: undefined };
    settle?.reject(new Error('boot: stopped before start-up completed'));
  };
  let running: Promise<void> | undefined;

  return {
    start() {
      running ??= loop();
    },
    state: () => state,
    value: () => result,
    ready: () => readiness,
    async stop() {
      stopping.abort();
      running ??= loop();
      await running;
    },
  };
}
