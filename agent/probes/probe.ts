import type { HttpProbePhase } from '../../catalog/labels.ts';
import {
  probeHttpStatusCode,
  probePostgresReplicationLag,
  probePostgresServerVersion,
  probeQdrantCollections,
  probeRedisMaster,
  probeRedisMemory,
  probeSslEarliestCertExpiry,
} from '../../catalog/metrics/probes.ts';

/** The `probe_<kind>_*` gauges a probe may set; each carries only the `target` label. */
export const kindGauges = [
  probeHttpStatusCode,
  probeSslEarliestCertExpiry,
  probePostgresServerVersion,
  probePostgresReplicationLag,
  probeRedisMaster,
  probeRedisMemory,
  probeQdrantCollections,
] as const;
export type KindGauge = (typeof kindGauges)[number];

/** Where a probe writes its own values; the runner owns every other probe series. */
export interface ProbeRecorder {
  set(def: KindGauge, value: number): void;
  phase(phase: HttpProbePhase, seconds: number): void;
}

export interface ProbeContext {
  /** Aborted at the target's timeout or at shutdown; the probe must give up when it fires. */
  readonly signal: AbortSignal;
  readonly record: ProbeRecorder;
}

/**
 * One probe kind (blackbox_exporter's `ProbeFn`): resolves when the target is healthy, throws
 * (preferably a ProbeFailure) when it is not.
 */
export type Probe<Options> = (options: Options, context: ProbeContext) => Promise<void>;

/** Stable reasons a probe fails, shown in `/status` and `aidb agent status`. */
export const probeFailureReasons = [
  'timeout',
  'dns',
  'connection',
  'tls',
  'certificate_expired',
  'certificate_untrusted',
  'hostname_mismatch',
  'unexpected_status',
  'body_mismatch',
  'invalid_response',
  'auth',
  'other',
] as const;
export type ProbeFailureReason = (typeof probeFailureReasons)[number];

export class ProbeFailure extends Error {
  readonly reason: ProbeFailureReason;
  constructor(reason: ProbeFailureReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProbeFailure';
    this.reason = reason;
  }
}

const reasonsByCode: Readonly<Record<string, ProbeFailureReason>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNREFUSED: 'connection',
  ECONNRESET: 'connection',
  EHOSTUNREACH: 'connection',
  ENETUNREACH: 'connection',
  EPIPE: 'connection',
  ETIMEDOUT: 'timeout',
  CERT_HAS_EXPIRED: 'certificate_expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate_untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate_untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate_untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate_untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname_mismatch',
  // PostgreSQL SQLSTATE 28P01 / 28000 (invalid password / authorization), Redis NOAUTH/WRONGPASS.
  '28P01': 'auth',
  '28000': 'auth',
};

/** The stable reason of any error a probe throws. */
export function failureReason(error: unknown): ProbeFailureReason {
  if (error instanceof ProbeFailure) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(reasonsByCode, code)) {
    return reasonsByCode[code] ?? 'other';
  }
  const message = error instanceof Error ? error.message : '';
  if (/^(NOAUTH|WRONGPASS)/.test(message)) return 'auth';
  if (/ECONNREFUSED|ECONNRESET|Connection is closed/.test(message)) return 'connection';
  return 'other';
}

/** Rejects with the signal's reason once it fires; cleans up its listener either way. */
export function untilAborted(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      reject(signal.reason as Error);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  // Nobody may await it when the probe finishes first.
  promise.catch(() => undefined);
  return {
    promise,
    dispose: () => {
      signal.removeEventListener('abort', onAbort);
    },
  };
}
