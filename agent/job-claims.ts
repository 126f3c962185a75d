import type pg from 'pg';
import type { AgentJobName } from '../catalog/labels.ts';

/** Decides which of several agents runs one scheduled run of a shared job. */
export interface JobClaims {
  /** True for exactly one caller per job and slot (the schedule's time, in ms). */
  claim(job: AgentJobName, slotMs: number): Promise<boolean>;
  close(): Promise<void>;
}

// Claims older than this are never asked about again (a slot is claimed when it comes due).
const keepDays = 30;

/**
 * Claims in the service's PostgreSQL (table aidb_job_claims, created by its migrations): a row
 * per job and slot, inserted by whoever comes first. A row rather than an advisory lock: a lock
 * only keeps two runs from overlapping, and an agent whose timer fires after the other's run
 * ended would run the job a second time for the same slot.
 */
export function createPostgresJobClaims(options: {
  readonly url: string;
  readonly password?: string | undefined;
  readonly agent: string;
}): JobClaims {
  // pg is loaded on the first claim: an agent without shared jobs never carries it (~1 MB).
  let pool: Promise<pg.Pool> | undefined;
  const connect = (): Promise<pg.Pool> =>
    (pool ??= import('pg').then(({ default: { Pool } }) => {
      const created = new Pool({
        connectionString: options.url,
        ...(options.password === undefined ? {} : { password: options.password }),
        max: 1,
        application_name: 'aidb-agent',
      });
      // An idle client dying must not crash the agent; the next claim reconnects.
      created.on('error', () => undefined);
      return created;
    }));
  return {
    async claim(job, slotMs) {
      const { rowCount } = await (
        await connect()
      ).query(
        `WITH old AS (DELETE FROM aidb_job_claims WHERE slot < now() - make_interval(days => $4))
         INSERT INTO aidb_job_claims (job, slot, agent) VALUES ($1, to_timestamp($2 / 1000.0), $3)
         ON CONFLICT DO NOTHING`,
        [job, slotMs, options.agent, keepDays],
      );
      return rowCount === 1;
    },
    close: async () => {
      if (pool !== undefined) await (await pool).end();
    },
  };
}
