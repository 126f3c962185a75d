/**
 * Closed sets of label values shared by several metrics. Code that records a metric takes its
 * values from here, so a value the catalog does not declare cannot be emitted.
 */
import { dependencyNames } from './dependencies.ts';

/** HTTP methods the API routes accept; anything else is recorded as `_OTHER` (OTel semconv). */
export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', '_OTHER'] as const;
export type HttpMethodLabel = (typeof httpMethods)[number];

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
export type DependencyOperation = (typeof dependencyOperations)[number];

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
export type DependencyErrorType = (typeof dependencyErrorTypes)[number];

/** Dependencies guarded by a circuit breaker (Redis is a cache: it fails open instead). */
export const breakerDependencies = ['postgres', 'qdrant', 'embeddings'] as const;
export type BreakerDependency = (typeof breakerDependencies)[number];
export const breakerStates = ['closed', 'open', 'half_open'] as const;
export type BreakerState = (typeof breakerStates)[number];

/** Vector index implementations; `/v1/collections/{name}` reports which serves a collection. */
export const vectorIndexes = ['pgvector', 'exact_sql', 'qdrant', 'memory_exact'] as const;
export type VectorIndexKind = (typeof vectorIndexes)[number];
export const embedderBackends = ['builtin', 'http'] as const;
export type EmbedderBackend = (typeof embedderBackends)[number];
export const caches = ['embeddings', 'search'] as const;
export type CacheName = (typeof caches)[number];

/** Kubernetes probe kinds of the service (the original's `check_type`). */
export const checkTypes = ['liveness', 'readiness', 'startup', 'detailed'] as const;
export type CheckType = (typeof checkTypes)[number];
export const healthStatuses = ['healthy', 'degraded', 'unhealthy'] as const;
export type HealthStatus = (typeof healthStatuses)[number];

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
export type RejectionReason = (typeof rejectionReasons)[number];

export const authFailureReasons = ['missing_key', 'invalid_key', 'insufficient_scope'] as const;
export type AuthFailureReason = (typeof authFailureReasons)[number];
export const rateLimitDecisions = ['allowed', 'rejected'] as const;
export type RateLimitDecision = (typeof rateLimitDecisions)[number];
/**
 * Which limiter decided: the shared Redis one, the per-process insurance limiter, or none
 * (Redis down and the configuration says to fail open or closed).
 */
export const rateLimitBackends = ['redis', 'memory', 'none'] as const;
export type RateLimitBackend = (typeof rateLimitBackends)[number];
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
export type RateLimitPolicy = (typeof rateLimitPolicies)[number];

/** Probe kinds of the agent; its probe registry is typed against this list. */
export const probeKinds = ['http', 'tcp', 'tls', 'postgres', 'redis', 'qdrant'] as const;
export type ProbeKind = (typeof probeKinds)[number];
/** What a probe target stands for: one of the dependencies, the service itself, or neither. */
export const probeDependencies = [...dependencyNames, 'service', 'none'] as const;
export type ProbeDependency = (typeof probeDependencies)[number];
export const httpProbePhases = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;
export type HttpProbePhase = (typeof httpProbePhases)[number];

/** Jobs the agent's scheduler runs. */
export const agentJobs = [
  'backup',
  'backup-qdrant',
  'verify',
  'prune',
  'gc',
  'certificates',
] as const;
export type AgentJobName = (typeof agentJobs)[number];
export const jobResults = ['success', 'failure', 'skipped'] as const;
export type JobResult = (typeof jobResults)[number];

/** What a backup copies: PostgreSQL (pg_dump), PGlite (embedded profile) or Qdrant snapshots. */
export const backupTargets = ['postgres', 'pglite', 'qdrant'] as const;
export type BackupTarget = (typeof backupTargets)[number];
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
export type BackupFailureReason = (typeof backupFailureReasons)[number];
/** Verification levels: 1 re-reads and decodes the archive, 2 restores it into a scratch database. */
export const verificationLevels = ['1', '2'] as const;
export type VerificationLevel = (typeof verificationLevels)[number];
/** `missing`: a data file of the backup is gone or has another size than its manifest says. */
export const backupStates = ['verified', 'unverified', 'failed', 'missing'] as const;
export type BackupState = (typeof backupStates)[number];
export const pruneBlockReasons = ['clock_skew', 'no_verified_backup', 'max_deletions'] as const;
export type PruneBlockReason = (typeof pruneBlockReasons)[number];

export const successOrFailure = ['success', 'failure'] as const;
export type SuccessOrFailure = (typeof successOrFailure)[number];
