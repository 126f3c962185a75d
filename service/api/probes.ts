/**
 * The service's Kubernetes probes in one place: the service serves these paths, and the
 * generated manifests (deploy/) take paths, periods, timeouts and thresholds from here, so the
 * two cannot disagree. Semantics follow kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes.
 */
export const probeSpecs = {
  /** Until it succeeds, Kubernetes runs no other probe: it covers migrations and first contact. */
  startup: {
    path: '/health/startup',
    periodSeconds: 2,
    timeoutSeconds: 3,
    failureThreshold: 90,
    successThreshold: 1,
  },
  /** Failing takes the pod out of the Service's endpoints; it is never restarted for it. */
  readiness: {
    path: '/health/ready',
    periodSeconds: 5,
    timeoutSeconds: 3,
    failureThreshold: 2,
    successThreshold: 1,
  },
  /** Failing restarts the container: only a stalled event loop counts, never a dependency. */
  liveness: {
    path: '/health/live',
    periodSeconds: 10,
    timeoutSeconds: 3,
    failureThreshold: 3,
    successThreshold: 1,
  },
} as const;

export type ProbeName = keyof typeof probeSpecs;

/** Composite and detailed views for people and the original service's clients. */
export const healthPaths = { legacy: '/health', detailed: '/health/detailed' } as const;
