import { z } from 'zod';
import { setting } from '../setting.ts';
import { defaultTargetNames, targetSchema } from './agent-targets.ts';
import { certificatesJob } from './agent-certificates.ts';
import { cronExpression } from './cron.ts';
import { apiKeyList, httpUrl, millis, port } from './primitives.ts';

// Kubernetes probe defaults are 10 s period, 1 s timeout, 3 failures, 1 success; the agent
// looks at remote servers through connection setup, so it allows a longer timeout.
const probeDefaults = z
  .object({
    intervalMs: setting(millis.default(15_000), {
      env: 'AIDB_AGENT_PROBE_INTERVAL_MS',
      doc: 'Time between two probes of a target, unless the target sets its own.',
    }),
    timeoutMs: setting(millis.default(5_000), {
      env: 'AIDB_AGENT_PROBE_TIMEOUT_MS',
      doc: 'Time a probe may take before it is cut and counted as failed; at most the interval.',
    }),
    failureThreshold: setting(z.number().int().min(1).default(3), {
      env: 'AIDB_AGENT_PROBE_FAILURE_THRESHOLD',
      doc: 'Consecutive failed probes that turn a target down (Kubernetes `failureThreshold`).',
    }),
    successThreshold: setting(z.number().int().min(1).default(1), {
      env: 'AIDB_AGENT_PROBE_SUCCESS_THRESHOLD',
      doc: 'Consecutive successful probes that turn a target up again (Kubernetes `successThreshold`).',
    }),
    initialDelayMs: setting(z.number().int().min(0).default(0), {
      env: 'AIDB_AGENT_PROBE_INITIAL_DELAY_MS',
      doc: 'Wait after start before a target’s first probe; a per-target offset spreads targets over the interval on top.',
    }),
  })
  .strict();

const gcJob = z
  .object({
    schedule: setting(cronExpression('30 3 * * *'), {
      env: 'AIDB_AGENT_GC_SCHEDULE',
      doc: 'Cron expression of the service’s garbage collection (`POST /v1/admin/gc`); with `agent.adminKey`, or the service’s local key in `<dataDir>/api-key`.',
    }),
    timeoutMs: setting(millis.default(300_000), {
      env: 'AIDB_AGENT_GC_TIMEOUT_MS',
      doc: 'Time a garbage-collection request may take.',
    }),
  })
  .strict();

export const agent = z
  .object({
    host: setting(z.string().min(1).default('127.0.0.1'), {
      env: 'AIDB_AGENT_HOST',
      doc: 'Address of the agent’s metrics and status endpoint.',
    }),
    port: setting(port.default(9470), {
      env: 'AIDB_AGENT_PORT',
      doc: 'Port of the agent’s metrics and status endpoint.',
    }),
    serviceUrl: setting(httpUrl.default('http://127.0.0.1:8091'), {
      env: 'AIDB_AGENT_SERVICE_URL',
      doc: 'Base URL of the co-located service the agent probes.',
    }),
    adminKey: setting(z.string().min(1).optional(), {
      env: 'AIDB_AGENT_ADMIN_KEY',
      secret: true,
      doc: 'Admin API key the agent uses for the service’s maintenance routes; unset: the service’s local key in `<dataDir>/api-key`.',
    }),
    apiKeys: setting(apiKeyList.optional(), {
      env: 'AIDB_AGENT_API_KEYS',
      secret: true,
      doc: 'Keys the agent’s endpoint accepts, in the format of `AIDB_API_KEYS`: `admin` runs jobs (`POST /jobs/{name}/run`), `read` scrapes `/metrics` and reads `/status`. Unset: the agent creates an admin key in `<dataDir>/agent-key`.',
    }),
    key: setting(z.string().min(1).optional(), {
      env: 'AIDB_AGENT_KEY',
      secret: true,
      doc: 'Key `aidb agent status` and `aidb agent run-job` send to the agent (an `admin` key of `agent.apiKeys` for jobs); unset: the agent’s local key in `<dataDir>/agent-key`.',
    }),
    probeDefaults: probeDefaults.prefault({}),
    defaultTargets: setting(z.boolean().default(true), {
      env: 'AIDB_AGENT_DEFAULT_TARGETS',
      doc: 'Probe the service’s `/health/live`, `/health/ready`, `/health/startup` and each configured dependency (PostgreSQL, Redis, Qdrant).',
    }),
    targets: setting(z.array(targetSchema).default([]), {
      env: false,
      doc: 'Extra probe targets: `name`, `probe` (http, tcp, tls, postgres, redis, qdrant), `dependency`, timing overrides and kind `options` (see the agent guide).',
    }),
    jobs: z
      .object({ gc: gcJob.prefault({}), certificates: certificatesJob.prefault({}) })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine(checkTargets);

type AgentInput = z.output<typeof agent>;

/** Rules across targets: unique names, names of the default targets reserved, timeout ≤ interval. */
function checkTargets(config: AgentInput, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  config.targets.forEach((target, index) => {
    const path = ['targets', index, 'name'];
    if ((defaultTargetNames as readonly string[]).includes(target.name)) {
      ctx.addIssue({ code: 'custom', path, message: `"${target.name}" is a default target name` });
    } else if (seen.has(target.name)) {
      ctx.addIssue({ code: 'custom', path, message: `"${target.name}" is used twice` });
    }
    seen.add(target.name);
    const interval = target.intervalMs ?? config.probeDefaults.intervalMs;
    const timeout = target.timeoutMs ?? config.probeDefaults.timeoutMs;
    if (timeout > interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', index, 'timeoutMs'],
        message: `${timeout} ms is longer than the interval of ${interval} ms`,
      });
    }
  });
  if (config.probeDefaults.timeoutMs > config.probeDefaults.intervalMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['probeDefaults', 'timeoutMs'],
      message: `${config.probeDefaults.timeoutMs} ms is longer than the interval of ${config.probeDefaults.intervalMs} ms`,
    });
  }
}
