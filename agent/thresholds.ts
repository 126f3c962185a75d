/**
 * Kubernetes probe semantics for a target's state: `failureThreshold` consecutive failures turn
 * it down, `successThreshold` consecutive successes turn it up
 * (https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/).
 * Until either threshold is first reached the state is `unknown`.
 */
export const targetStates = ['unknown', 'up', 'down'] as const;
export type TargetState = (typeof targetStates)[number];

export interface Thresholds {
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export interface ThresholdState {
  readonly state: TargetState;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** When the state last changed, ms since the epoch; undefined while `unknown`. */
  readonly lastTransitionMs: number | undefined;
}

export const initialThresholdState: ThresholdState = {
  state: 'unknown',
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
  lastTransitionMs: undefined,
};

/** The state after one more probe result; the input is not changed. */
export function nextThresholdState(
  current: ThresholdState,
  success: boolean,
  nowMs: number,
  thresholds: Thresholds,
): ThresholdState {
  const consecutiveFailures = success ? 0 : current.consecutiveFailures + 1;
  const consecutiveSuccesses = success ? current.consecutiveSuccesses + 1 : 0;
  let state = current.state;
  if (success && consecutiveSuccesses >= thresholds.successThreshold) state = 'up';
  if (!success && consecutiveFailures >= thresholds.failureThreshold) state = 'down';
  return {
    state,
    consecutiveFailures,
    consecutiveSuccesses,
    lastTransitionMs: state === current.state ? current.lastTransitionMs : nowMs,
  };
}

/**
 * Where in its interval a target's probes fall, so targets spread out instead of firing
 * together. Like Prometheus' scrape offset (a hash of the target modulo the interval), it is
 * stable across restarts and needs no shared state.
 */
export function spreadOffsetMs(name: string, intervalMs: number): number {
  // FNV-1a, 32 bit (http://www.isthe.com/chongo/tech/comp/fnv/): cheap and well mixed.
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % intervalMs;
}
