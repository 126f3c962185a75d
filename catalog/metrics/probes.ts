import { httpProbePhases, probeDependencies, probeKinds } from '../labels.ts';
import { defineMetric } from '../types.ts';

const blackbox = 'name of Prometheus blackbox_exporter, so existing probe queries keep working';

/** Every probe series names its target, its kind and the dependency it stands for. */
const probeLabels = {
  target: { boundedBy: 'configuredTarget' },
  probe: { values: probeKinds },
  dependency: { values: probeDependencies },
} as const;

export const probeSuccess = defineMetric({
  name: 'probe_success',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Whether the last probe of the target succeeded (1) or failed (0).',
  labels: probeLabels,
  emitters: ['agent'],
});

export const probeDuration = defineMetric({
  name: 'probe_duration_seconds',
  kind: 'observable_gauge',
  unit: 'seconds',
  help: 'How long the last probe of the target took.',
  labels: probeLabels,
  emitters: ['agent'],
});

export const probeHttpStatusCode = defineMetric({
  name: 'probe_http_status_code',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'HTTP status code of the last probe response (0 when none arrived).',
  labels: { target: { boundedBy: 'configuredTarget' } },
  emitters: ['agent'],
  unconsumed:
    "blackbox_exporter's series, kept for queries written against it; probe success already accounts for unexpected statuses, and `aidb agent probe` shows the code.",
});

export const probeHttpPhaseDuration = defineMetric({
  name: 'probe_http_duration_seconds',
  kind: 'observable_gauge',
  unit: 'seconds',
  help: 'Duration of each phase of the last HTTP probe.',
  labels: { target: { boundedBy: 'configuredTarget' }, phase: { values: httpProbePhases } },
  emitters: ['agent'],
});

export const probeSslEarliestCertExpiry = defineMetric({
  name: 'probe_ssl_earliest_cert_expiry',
  kind: 'observable_gauge',
  unit: 'timestamp',
  help: 'When the first certificate of the served chain expires, in seconds since the Unix epoch.',
  labels: { target: { boundedBy: 'configuredTarget' } },
  emitters: ['agent'],
  compatibility: blackbox,
});

export const probePostgresServerVersion = defineMetric({
  name: 'probe_postgres_server_version',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'server_version_num of the probed PostgreSQL (150007 for 15.7).',
  labels: { target: { boundedBy: 'configuredTarget' } },
  emitters: ['agent'],
  unconsumed:
    'Probe detail for ad-hoc queries and `aidb agent probe`: no value of it means trouble on its own, so no panel or alert reads it.',
});

export const probePostgresReplicationLag = defineMetric({
  name: 'probe_postgres_replication_lag_seconds',
  kind: 'observable_gauge',
  unit: 'seconds',
  help: 'Replication lag reported by the configured lag query of a PostgreSQL target.',
  labels: { target: { boundedBy: 'configuredTarget' } },
  emitters: ['agent'],
  unconsumed:
    "Only exported by targets with a `replicationLagQuery`; the lag a replica may have is the operator's to choose, so aidb generates no alert for it.",
});

export const probeRedisMaster = defineMetric({
  name: 'probe_redis_master',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Whether the probed Redis reports the master role (1) or not (0).',
  labels: { target: { boundedBy: 'configuredTarget' } },
  emitters: ['agent'],
  unconsumed:
    'Probe detail for ad-hoc queries and `aidb agent probe`: no value of it means trouble on its own, so no panel or alert reads it.',
});

export const probeRedisMemory = defineMetric({
  name: 'probe_redis_memory_used_bytes',
  kind: 'observable_gauge',
  unit: 'bytes',
  help: 'used_memory reported by the probed Redis.',
  labels: { target: { boundedBy: 'configuredTarget' } },
  emitters: ['agent'],
  unconsumed:
    'Probe detail for ad-hoc queries and `aidb agent probe`: no value of it means trouble on its own, so no panel or alert reads it.',
});

export const probeQdrantCollections = defineMetric({
  name: 'probe_qdrant_collections',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Collections listed by the probed Qdrant.',
  labels: { target: { boundedBy: 'configuredTarget' } },
  emitters: ['agent'],
  unconsumed:
    'Probe detail for ad-hoc queries and `aidb agent probe`: no value of it means trouble on its own, so no panel or alert reads it.',
});

export const agentProbeState = defineMetric({
  name: 'aidb_agent_probe_state',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Target state after failure and success thresholds: 1 up, 0 down; absent until one is first reached.',
  labels: probeLabels,
  emitters: ['agent'],
});

export const agentProbeConsecutiveFailures = defineMetric({
  name: 'aidb_agent_probe_consecutive_failures',
  kind: 'observable_gauge',
  unit: 'count',
  help: 'Failed probes of the target since its last success.',
  labels: probeLabels,
  emitters: ['agent'],
});

export const agentProbeLastTransition = defineMetric({
  name: 'aidb_agent_probe_last_transition_timestamp_seconds',
  kind: 'observable_gauge',
  unit: 'timestamp',
  help: 'When the target last changed state (up or down).',
  labels: probeLabels,
  emitters: ['agent'],
  unconsumed:
    "Answers 'since when' in ad-hoc queries; the up/down state itself is what panels and alerts read.",
});

export const probeMetrics = [
  probeSuccess,
  probeDuration,
  probeHttpStatusCode,
  probeHttpPhaseDuration,
  probeSslEarliestCertExpiry,
  probePostgresServerVersion,
  probePostgresReplicationLag,
  probeRedisMaster,
  probeRedisMemory,
  probeQdrantCollections,
  agentProbeState,
  agentProbeConsecutiveFailures,
  agentProbeLastTransition,
];
