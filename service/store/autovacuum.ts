import type { Logger } from '../../lib/logger.ts';
import { maintenanceFor, type Maintenance } from './autovacuum-policy.ts';
import type { Sql } from './sql.ts';

export interface Autovacuum {
  /** Stops the checks and waits for one under way, so the database can close after it. */
  stop(): Promise<void>;
}

interface ActivityRow {
  readonly name: string;
  readonly live: string;
  readonly dead: string;
  readonly modified: string;
  readonly inserted: string;
}

/** One pass over the tables: what each needed, run one table after another. */
export async function vacuumRound(sql: Sql): Promise<{ table: string; ran: Maintenance }[]> {
  // A single-user backend counts rows written but reports them only when asked to: without
  // this, pg_stat_user_tables reads zero dead rows for ever (measured on PGlite 0.5).
  await sql.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await sql.query<ActivityRow>(
    `SELECT quote_ident(schemaname) || '.' || quote_ident(relname) AS name,
            n_live_tup AS live, n_dead_tup AS dead,
            n_mod_since_analyze AS modified, n_ins_since_vacuum AS inserted
     FROM pg_stat_user_tables`,
  );
  const ran: { table: string; ran: Maintenance }[] = [];
  for (const row of rows) {
    const needed = maintenanceFor({
      live: Number(row.live),
      dead: Number(row.dead),
      modifiedSinceAnalyze: Number(row.modified),
      insertedSinceVacuum: Number(row.inserted),
    });
    if (needed === undefined) continue;
    // The name comes from the catalog, quoted by the database itself.
    await sql.query(needed === 'vacuum' ? `VACUUM (ANALYZE) ${row.name}` : `ANALYZE ${row.name}`);
    ran.push({ table: row.name, ran: needed });
  }
  return ran;
}

/**
 * Does autovacuum's work for a database that runs none (the embedded engine): every
 * `intervalMs` (autovacuum_naptime's minute by default) it vacuums and analyzes the tables
 * PostgreSQL's own thresholds would. A pass goes through the same queue as every query, so it
 * never runs beside a transaction, and a failed pass is logged and retried at the next check.
 */
export function startAutovacuum(sql: Sql, logger: Logger, intervalMs = 60_000): Autovacuum {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const pass = async (): Promise<void> => {
    const started = performance.now();
    try {
      const ran = await vacuumRound(sql);
      if (ran.length > 0)
        logger.debug(
          { ran, durationMs: Math.round(performance.now() - started) },
          'database: vacuumed',
        );
    } catch (error) {
      if (!stopped)
        logger.warn({ err: error }, 'database: vacuum failed; tried again at the next check');
    }
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      running = pass().then(() => {
        if (!stopped) schedule();
      });
    }, intervalMs).unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
