/**
 * Reviewed lists of the live test: panel queries and rule selectors that return no series on the
 * live stack, each with its reason. Panels empty by design carry their reason in the dashboard
 * spec (`emptyByDesign`) and selectors inside `absent()` in the rule (`absentByDesign`); these
 * lists hold what is empty because of the state of the code or of the test stack, keyed as the
 * test reports them, so the integrator can delete an entry once its reason is gone.
 */
export const reviewedEmptyPanels: Readonly<Record<string, string>> = {};

const noAcme =
  'the live stack configures no ACME certificate; test/e2e/certificates.test.ts covers it against pebble';

const noPitr =
  'the live stack runs without point-in-time recovery or copies (they need a replication role and a second repository); test/integration/backups/pitr.test.ts, pitr-kill.test.ts and copies.test.ts cover them against a private PostgreSQL and s3rver';

export const reviewedEmptySelectors: Readonly<Record<string, string>> = {
  'aidb_backup_wal_last_archived_timestamp_seconds{job="aidb-agent"}': noPitr,
  'aidb_backup_wal_rpo_target_seconds{job="aidb-agent"}': noPitr,
  'aidb_backup_wal_streaming{job="aidb-agent"}': noPitr,
  'aidb_backup_wal_slot_retained_bytes{job="aidb-agent"}': noPitr,
  'aidb_backup_copy_lag_seconds{job="aidb-agent"}': noPitr,
  'aidb_certificate_not_after_timestamp_seconds{job="aidb-agent"}': noAcme,
  'aidb_certificate_renewals_total{job="aidb-agent",result="failure"}': noAcme,
  'aidb_certificate_hook_runs_total{job="aidb-agent",result="failure"}': noAcme,
};
