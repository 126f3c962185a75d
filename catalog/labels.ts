/**
 * Closed sets of label values shared by several metrics. Code that records a metric takes its
 * values from here, so a value the catalog does not declare cannot be emitted.
 */
import { dependencyNames } from './dependencies.ts';

/** HTTP methods the API routes accept; anything else is recorded as `_OTHER` (OTel semconv). */
export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', '_OTHER'] as const;

/** Operations on dependencies, as recorded by the client wrappers. */
export const dependencyOperations = [
  // PostgreSQL: a statement, and taking a connection from the pool (waiting included).
  'query',
  'connect',
  // Redis
  'cache_get',
  'cache_set',
  'rate_limit',
  // Qdrant
  'upsert',
  'search',
  'delete',
  'count',
  'collection',
  // Embeddings
  'embed',
  // Every dependency: the health check.
  'ping',
] as const;

/** Why a dependency call failed, coarse enough to alert on. */
export const dependencyErrorTypes = [
  'timeout',
  'connection',
  'circuit_open',
  'rejected',
  'invalid_response',
  'server_error',
  'other',
] as const;

/** Dependencies guarded by a circuit breaker (Redis is a cache: it fails open instead). */
export const breakerDependencies = ['postgres', 'qdrant', 'embeddings'] as const;
export const breakerStates = ['closed', 'open', 'half_open'] as const;

/** Vector index implementations; `/v1/collections/{name}` reports which serves a collection. */
export const vectorIndexes = ['pgvector', 'exact_sql', 'qdrant'] as const;
export const embedderBackends = ['builtin', 'http'] as const;
export const caches = ['embeddings', 'search'] as const;

/** Kubernetes probe kinds of the service (the original's `check_type`). */
export const checkTypes = ['liveness', 'readiness', 'startup', 'detailed'] as const;
export const healthStatuses = ['healthy', 'degraded', 'unhealthy'] as const;

/**
 * Stable reason codes of rejected requests (the `code` of problem+json responses); the metric
 * counts them so a dashboard shows what clients get wrong.
 */
export const rejectionReasons = [
  'invalid_body',
  'invalid_query',
  'invalid_path',
  'invalid_json',
  'body_too_large',
  'unsupported_media_type',
  'dimension_mismatch',
  'duplicate_id',
  'invalid_cursor',
] as const;

export const authFailureReasons = ['missing_key', 'invalid_key', 'insufficient_scope'] as const;
export const rateLimitDecisions = ['allowed', 'rejected'] as const;
/**
 * Which limiter decided: the shared Redis one, the per-process insurance limiter, or none
 * (Redis down and the configuration says to fail open or closed).
 */
export const rateLimitBackends = ['redis', 'memory', 'none'] as const;
/**
 * Budgets of the rate limiter, each covering a group of routes; `auth_failures` counts failed
 * authentications per client address.
 */
export const rateLimitPolicies = [
  'search',
  'write',
  'read',
  'admin',
  'unauthenticated',
  'auth_failures',
] as const;

/** Probe kinds of the agent; its probe registry is typed against this list. */
export const probeKinds = ['http', 'tcp', 'tls', 'postgres', 'redis', 'qdrant'] as const;
/** What a probe target stands for: one of the dependencies, the service itself, or neither. */
export const probeDependencies = [...dependencyNames, 'service', 'none'] as const;
export const httpProbePhases = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;

/** Jobs the agent's scheduler runs. */
export const agentJobs = ['backup', 'verify', 'prune', 'gc', 'certificates'] as const;
export const jobResults = ['success', 'failure', 'skipped'] as const;

/** What a backup copies: PostgreSQL (pg_dump), PGlite (embedded profile) or Qdrant snapshots. */
export const backupTargets = ['postgres', 'pglite', 'qdrant'] as const;
export const backupFailureReasons = [
  'none',
  'locked',
  'dump_failed',
  'snapshot_failed',
  'write_failed',
  'disk_full',
  'verify_failed',
  'cancelled',
  'other',
] as const;
/** Verification levels: 1 re-reads and decodes the archive, 2 restores it into a scratch database. */
export const verificationLevels = ['1', '2'] as const;
/** `missing`: a data file of the backup is gone or has another size than its manifest says. */
export const backupStates = ['verified', 'unverified', 'failed', 'missing'] as const;
export const pruneBlockReasons = ['clock_skew', 'no_verified_backup', 'max_deletions'] as const;

export const successOrFailure = ['success', 'failure'] as const;
