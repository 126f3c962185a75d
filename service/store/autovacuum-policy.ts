/**
 * What PostgreSQL's autovacuum would do to a table now, with its default thresholds
 * (postgresql.org/docs/15/routine-vacuuming.html#AUTOVACUUM). The embedded engine runs
 * PostgreSQL as a single-user backend, which never starts the autovacuum launcher: without
 * this, every upsert and delete would leave its dead rows in the tables and their indexes for
 * the life of the data directory, and the planner would never see new statistics.
 */
export interface TableActivity {
  /** pg_stat_user_tables: n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum. */
  readonly live: number;
  readonly dead: number;
  readonly modifiedSinceAnalyze: number;
  readonly insertedSinceVacuum: number;
}

export type Maintenance = 'vacuum' | 'analyze';

// autovacuum_vacuum_threshold, _scale_factor; _insert_threshold, _insert_scale_factor;
// autovacuum_analyze_threshold, _scale_factor: PostgreSQL 15's defaults.
const vacuumThreshold = 50;
const vacuumScale = 0.2;
const insertThreshold = 1000;
const insertScale = 0.2;
const analyzeThreshold = 50;
const analyzeScale = 0.1;

/** `vacuum` (run as VACUUM (ANALYZE)), `analyze` alone, or nothing for this table. */
export function maintenanceFor(activity: TableActivity): Maintenance | undefined {
  // PostgreSQL scales by pg_class.reltuples, the live rows its last VACUUM or ANALYZE counted;
  // the statistics' running count of live rows stands in for it.
  const rows = activity.live;
  if (
    activity.dead > vacuumThreshold + vacuumScale * rows ||
    activity.insertedSinceVacuum > insertThreshold + insertScale * rows
  )
    return 'vacuum';
  if (activity.modifiedSinceAnalyze > analyzeThreshold + analyzeScale * rows) return 'analyze';
  return undefined;
}
