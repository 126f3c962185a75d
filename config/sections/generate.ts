import { z } from 'zod';
import { setting } from '../setting.ts';
import { httpUrl } from './primitives.ts';

/** Prometheus job names: lower-case words joined by `-` or `_` (what scrape configs use). */
const jobName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.:-]*$/);

/** What `aidb generate` needs to know about the monitoring set-up it writes rules and dashboards for. */
export const generate = z
  .object({
    serviceJob: setting(jobName.default('aidb'), {
      env: 'AIDB_SERVICE_JOB',
      doc: 'Prometheus job that scrapes the service’s `/metrics`; rules select it.',
    }),
    agentJob: setting(jobName.default('aidb-agent'), {
      env: 'AIDB_AGENT_JOB',
      doc: 'Prometheus job that scrapes the agent’s `/metrics`; rules select it.',
    }),
    runbookBaseUrl: setting(httpUrl.default('https://runbooks.example.com/aidb'), {
      env: 'AIDB_RUNBOOK_BASE_URL',
      doc: 'Where the generated `runbooks/` folder is published; alerts link to `<base>/<family>.md#<alert>`.',
    }),
    grafanaUrl: setting(httpUrl.default('http://127.0.0.1:3000'), {
      env: 'AIDB_GRAFANA_URL',
      doc: 'Grafana’s base URL; alerts link to `<url>/d/<dashboard uid>`.',
    }),
    dashboardsPath: setting(z.string().min(1).default('/var/lib/grafana/dashboards/aidb'), {
      env: 'AIDB_GRAFANA_DASHBOARDS_PATH',
      doc: 'Directory Grafana’s file provider reads the generated dashboards from.',
    }),
    agentServicePort: setting(z.boolean().default(false), {
      env: 'AIDB_K8S_AGENT_SERVICE_PORT',
      doc: 'Kubernetes: publish the agent’s port on the Service and scrape it through the ServiceMonitor; off, a PodMonitor scrapes the agent’s pods and the Service carries the API only.',
    }),
    prometheusNamespace: setting(
      z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
        .default('monitoring'),
      {
        env: 'AIDB_K8S_PROMETHEUS_NAMESPACE',
        doc: 'Kubernetes: namespace of the Prometheus pods (`app.kubernetes.io/name: prometheus`) the NetworkPolicy admits to the agent’s port.',
      },
    ),
    backupStaleGraceSeconds: setting(z.number().int().min(1).default(3600), {
      env: 'AIDB_BACKUP_STALE_GRACE_SECONDS',
      doc: 'Time a backup may run late past the longest gap of `backups.schedule` before it is stale.',
    }),
    timeDivisor: setting(z.number().int().min(1).max(3600).default(1), {
      env: 'AIDB_GENERATE_TIME_DIVISOR',
      doc: 'Live tests only: divides alert `for`/`keep_firing_for` and Alertmanager group waits (60: minutes become seconds); above 1 no rule tests are written.',
    }),
  })
  .strict();
