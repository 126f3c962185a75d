import { describe, expect, it } from 'vitest';
import { alertFiles } from '../../../alerts/output.ts';
import { allMetrics } from '../../../catalog/metrics.ts';
import { loadConfig } from '../../../config/load.ts';
import { dashboardFiles } from '../../../dashboards/output.ts';

const { config } = loadConfig({ env: {}, readFile: () => '' });

/** What Prometheus and Grafana evaluate: the rule files (not their tests) and the dashboards. */
const consumers = [...alertFiles(config), ...dashboardFiles(config)]
  .filter((f) => /^rules\/[^/]+\.yml$/.test(f.path) || /^dashboards\/.*\.json$/.test(f.path))
  .map((f) => f.content)
  .join('\n');

const isRead = (name: string): boolean =>
  new RegExp(`(?<![A-Za-z0-9_:])${name}(_bucket|_count|_sum)?(?![A-Za-z0-9_:])`).test(consumers);

describe('the catalog says why a metric nobody reads is kept', () => {
  it('marks exactly the metrics no generated rule or panel reads', () => {
    const unread = allMetrics.filter((def) => !isRead(def.name)).map((def) => def.name);
    const marked = allMetrics.filter((def) => def.unconsumed !== undefined).map((d) => d.name);
    expect(marked).toEqual(unread);
  });

  it('lists them: every entry here is read by nothing aidb generates', () => {
    expect(allMetrics.filter((def) => def.unconsumed !== undefined).map((def) => def.name)).toEqual(
      [
        'service_health_status',
        'target_info',
        'probe_http_status_code',
        'probe_postgres_server_version',
        'probe_postgres_replication_lag_seconds',
        'probe_redis_master',
        'probe_redis_memory_used_bytes',
        'probe_qdrant_collections',
        'aidb_agent_probe_last_transition_timestamp_seconds',
        'aidb_agent_job_last_run_timestamp_seconds',
        'aidb_agent_job_next_run_timestamp_seconds',
        'aidb_agent_job_running',
        'aidb_backup_last_run_ok',
        'aidb_backup_in_progress',
        'aidb_backup_oldest_timestamp_seconds',
        'aidb_certificate_remaining_seconds',
        'aidb_certificate_last_renewal_attempt_timestamp_seconds',
        'aidb_tls_reloads_total',
        'aidb_tls_certificate_not_after_timestamp_seconds',
      ],
    );
  });

  it('gives the original service’s probe counters a panel', () => {
    expect(isRead('health_check_total')).toBe(true);
    expect(isRead('health_check_duration_seconds')).toBe(true);
  });
});
