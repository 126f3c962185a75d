import pg from 'pg';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Database } from './sql.ts';

/** Opens a pool on an external PostgreSQL with the timeouts every service query runs under. */
export function openPostgres(settings: Config['database'], logger: Logger): Database {
  const { url } = settings;
  if (url === undefined) throw new Error('store: database.url is required for PostgreSQL');
  const pool = new pg.Pool({
    connectionString: url,
    ...(settings.password === undefined ? {} : { password: settings.password }),
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    // Client-side too: a connection to a server that stopped answering must not hang a request.
    query_timeout: settings.statementTimeoutMs + 1_000,
    idleTimeoutMillis: 30_000,
    application_name: 'aidb',
  });
  // Without a listener, an idle client dying (server restart, network cut) crashes the process.
  pool.on('error', (error) => {
    logger.warn(
      { err: { message: error.message, code: (error as { code?: string }).code } },
      'idle PostgreSQL client failed',
    );
  });
  return {
    pool,
    engine: 'postgresql',
    close: () => pool.end(),
  };
}
