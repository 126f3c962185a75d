import type pg from 'pg';

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Sql = Pick<pg.PoolClient, 'query'>;

/** The database the service runs on, whichever profile opened it. */
export interface Database {
  readonly pool: pg.Pool;
  /** `postgresql` for a server, `pglite` for the embedded engine. */
  readonly engine: 'postgresql' | 'pglite';
  close(): Promise<void>;
}

/** Runs `work` in one transaction on one client; rolls back and rethrows on any error. */
export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The connection may be the thing that failed; the original error is what matters.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
