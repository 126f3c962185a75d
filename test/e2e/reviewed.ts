/**
 * Reviewed lists of the live test: panel queries and rule selectors that return no series on the
 * live stack, each with its reason. Panels empty by design carry their reason in the dashboard
 * spec (`emptyByDesign`) and selectors inside `absent()` in the rule (`absentByDesign`); these
 * lists hold what is empty because of the state of the code or of the test stack, keyed as the
 * test reports them, so the integrator can delete an entry once its reason is gone.
 */
const pendingAuth = 'pending: auth/rate limits (issue 5)';
const pendingBackups =
  'pending: the agent’s backup jobs (branch client, "feat(agent): backup…") are not merged yet';
const noTls =
  'the stack serves no TLS endpoint, so no probe reports a certificate (the panel is empty by design)';

export const reviewedEmptyPanels: Readonly<Record<string, string>> = {
  'aidb-protection: Rate-limit decisions A': pendingAuth,
  'aidb-protection: Rejected share A': pendingAuth,
  'aidb-protection: Limiter backend A': pendingAuth,
  'aidb-protection: Auth failures A': pendingAuth,
  'aidb-backups: Age of the last successful backup A': pendingBackups,
  'aidb-backups: Age of the last verification A': pendingBackups,
  'aidb-backups: Backups kept A': pendingBackups,
  'aidb-backups: Backup duration A': pendingBackups,
  'aidb-backups: Backup size A': pendingBackups,
  'aidb-backups: Runs by result A': pendingBackups,
  'aidb-backups: Repository space A': pendingBackups,
  'aidb-backups: Repository space B': pendingBackups,
};

export const reviewedEmptySelectors: Readonly<Record<string, string>> = {
  'aidb_rate_limit_decisions_total{job="aidb",decision="rejected"}': pendingAuth,
  'aidb_rate_limit_decisions_total{job="aidb"}': pendingAuth,
  'aidb_auth_failures_total{job="aidb"}': pendingAuth,
  'probe_ssl_earliest_cert_expiry{job="aidb-agent"}': noTls,
  'aidb_backup_last_success_timestamp_seconds{job="aidb-agent"}': pendingBackups,
  'aidb_backup_last_attempt_timestamp_seconds{job="aidb-agent"}': pendingBackups,
  'aidb_backup_consecutive_failures{job="aidb-agent"}': pendingBackups,
  'aidb_backup_last_size_bytes{job="aidb-agent",stream="plain"}': pendingBackups,
  'aidb_backup_last_duration_seconds{job="aidb-agent"}': pendingBackups,
  'aidb_backup_verification_ok{job="aidb-agent"}': pendingBackups,
  'aidb_backup_last_verification_timestamp_seconds{job="aidb-agent",level="1"}': pendingBackups,
  'aidb_backup_last_verification_timestamp_seconds{job="aidb-agent",level="2"}': pendingBackups,
  'aidb_backup_repository_free_bytes{job="aidb-agent"}': pendingBackups,
  'aidb_backup_last_size_bytes{job="aidb-agent",stream="stored"}': pendingBackups,
  'aidb_backup_prune_blocked_total{job="aidb-agent"}': pendingBackups,
};
