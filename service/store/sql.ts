import type pg from 'pg';

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Sql = Pick<pg.PoolClient, 'query'>;

/** Rows per table at the moment of a snapshot, so a restore can be checked against them. */
export type RowCounts = Readonly<Record<'collections' | 'documents' | 'chunks', number>>;

export interface Snapshot {
  /** An uncompressed tar of the database directory. */
  readonly tar: Blob;
  readonly rowCounts: RowCounts;
}

/** The database the service runs on, whichever profile opened it. */
export interface Database {
  readonly pool: pg.Pool;
  /** `postgresql` for a server, `pglite` for the embedded engine. */
  readonly engine: 'postgresql' | 'pglite';
  /**
   * A consistent copy of an in-process database (PGlite), for the agent's backups: another
   * process must never open PGlite's files while the service has them open. Servers are
   * backed up with pg_dump instead and have none.
   */
  readonly snapshot?: () => Promise<Snapshot>;
  close(): Promise<void>;
}

export async function countRows(sql: Sql): Promise<RowCounts> {
  const { rows } = await sql.query<{ collections: string; documents: string; chunks: string }>(
    `SELECT (SELECT count(*) FROM collections) AS collections,
            (SELECT count(*) FROM documents) AS documents,
            (SELECT count(*) FROM chunks) AS chunks`,
  );
  const row = rows[0];
  return {
    collections: Number(row?.collections ?? 0),
    documents: Number(row?.documents ?? 0),
    chunks: Number(row?.chunks ?? 0),
  };
}

/**
 * Runs `work` on one checked-out client. A connection that dies while checked out emits
 * `error` on the client, which the pool does not catch and would crash the process; here it is
 * caught, and a client that failed is destroyed rather than returned to the pool.
 */
export async function withClient<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  const onError = (): void => {
    failed = true;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(failed);
  }
}

/** Runs `work` in one transaction on one client; rolls back and rethrows on any error. */
export function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // The connection may be the thing that failed; the original error is what matters.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
