/**
 * How pg_dump and pg_restore reach PostgreSQL: libpq environment variables built from the
 * configured URL, so no credential ever appears on a command line (visible in `ps`).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { wrap, type FailureReason } from '../errors.ts';

const run = promisify(execFile);

export interface PostgresConnection {
  /** `postgres://user@host:port/database?sslmode=…`; a password here or in `password`. */
  readonly url: string;
  readonly password?: string | undefined;
  /** Directory of pg_dump/pg_restore; PATH when absent. */
  readonly binDir?: string | undefined;
}

/** Query parameters of a URL that map to libpq variables. */
const parameterVariables: Readonly<Record<string, string>> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  options: 'PGOPTIONS',
};

/** Variables a child inherits from this process: locale, home (for .pgpass) and libpq's own. */
function inherited(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (/^(PATH|HOME|LANG|LC_[A-Z]+|TZ|PG[A-Z]+)$/.test(name)) kept[name] = value;
  }
  return kept;
}

export function libpqEnv(
  connection: PostgresConnection,
  database?: string,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const url = new URL(connection.url);
  const vars: NodeJS.ProcessEnv = { ...inherited(env), PGAPPNAME: 'aidb-backup' };
  if (url.hostname !== '') vars.PGHOST = decodeURIComponent(url.hostname).replace(/^\[|\]$/g, '');
  if (url.port !== '') vars.PGPORT = url.port;
  if (url.username !== '') vars.PGUSER = decodeURIComponent(url.username);
  const password =
    connection.password ?? (url.password === '' ? undefined : decodeURIComponent(url.password));
  if (password !== undefined) vars.PGPASSWORD = password;
  vars.PGDATABASE = database ?? decodeURIComponent(url.pathname.slice(1));
  for (const [parameter, value] of url.searchParams) {
    const name = parameterVariables[parameter];
    if (name !== undefined) vars[name] = value;
    if (parameter === 'host') vars.PGHOST = value;
  }
  return vars;
}

/** The same server, another database. */
export function urlFor(connection: PostgresConnection, database: string): string {
  const url = new URL(connection.url);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function databaseOf(connection: PostgresConnection): string {
  return decodeURIComponent(new URL(connection.url).pathname.slice(1));
}

/** Host, port, database and user, for the manifest: never the password. */
export function describeConnection(connection: PostgresConnection): Record<string, string> {
  const url = new URL(connection.url);
  return {
    host: url.hostname || (url.searchParams.get('host') ?? ''),
    port: url.port || '5432',
    database: databaseOf(connection),
    user: decodeURIComponent(url.username),
  };
}

export type PgTool = 'pg_dump' | 'pg_restore' | 'pg_basebackup' | 'pg_receivewal';

export function pgTool(connection: PostgresConnection, name: PgTool): string {
  return connection.binDir === undefined ? name : join(connection.binDir, name);
}

/** The one line for a PostgreSQL client program that is not there, with the two fixes. */
export function missingTool(connection: PostgresConnection, name: PgTool): string {
  const where =
    connection.binDir === undefined
      ? 'on PATH'
      : `in ${connection.binDir} (AIDB_BACKUP_PG_BIN_DIR)`;
  return `backups: ${name} not found ${where}; install postgresql-client-15 (or the server's newer major version) or set AIDB_BACKUP_PG_BIN_DIR to the directory that holds it`;
}

/** What `<tool> --version` prints; a missing tool fails with the one line of missingTool. */
export async function toolVersion(
  connection: PostgresConnection,
  name: PgTool,
  signal: AbortSignal,
): Promise<string> {
  const { stdout } = await run(pgTool(connection, name), ['--version'], { signal }).catch(
    (cause: unknown) => {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT')
        throw wrap('dump_failed', missingTool(connection, name), cause);
      throw cause;
    },
  );
  return stdout.trim();
}

/** pg.Client options for the URL, with the separate password when there is one. */
export function clientConfig(
  connection: PostgresConnection,
  database?: string,
): { connectionString: string; password?: string; application_name: string } {
  const connectionString = database === undefined ? connection.url : urlFor(connection, database);
  return connection.password === undefined
    ? { connectionString, application_name: 'aidb-backup' }
    : { connectionString, password: connection.password, application_name: 'aidb-backup' };
}

export async function connectPostgres(
  connection: PostgresConnection,
  reason: FailureReason,
  database?: string,
): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(connection, database));
  // A connection dying while idle must fail the operation, not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => undefined);
    // Host, port and the cause: what someone needs to tell a typo from a server that is down.
    const { host, port } = describeConnection(connection);
    const why = cause instanceof Error ? cause.message : String(cause);
    throw wrap(
      reason,
      `backups: cannot connect to PostgreSQL database ${database ?? databaseOf(connection)} at ${host}:${port} (${why})`,
      cause,
    );
  }
  return client;
}
