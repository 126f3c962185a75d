import type pg from 'pg';
import {
  probePostgresReplicationLag,
  probePostgresServerVersion,
} from '../../catalog/metrics/probes.ts';
import type { ProbeOptionsConfig } from '../../config/sections/agent-targets.ts';
import { ProbeFailure, untilAborted, type Probe, type ProbeRecorder } from './probe.ts';

export type PostgresOptions = Omit<ProbeOptionsConfig['postgres'], 'passwordFile'> & {
  /** Read from `passwordFile`, or `DATABASE_PASSWORD` for the default target. */
  readonly password?: string | undefined;
};

function numberFrom(value: unknown, what: string): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (value === null || value === undefined || !Number.isFinite(number)) {
    throw new ProbeFailure('invalid_response', `postgres: ${what} returned ${String(value)}`);
  }
  return number;
}

async function check(
  client: pg.Client,
  options: PostgresOptions,
  record: ProbeRecorder,
): Promise<void> {
  await client.connect();
  const { rows } = await client.query<{ one: number; version: string }>(
    "SELECT 1 AS one, current_setting('server_version_num') AS version",
  );
  if (rows[0]?.one !== 1) throw new ProbeFailure('invalid_response', 'postgres: select 1 failed');
  record.set(probePostgresServerVersion, numberFrom(rows[0].version, 'server_version_num'));
  if (options.replicationLagQuery !== undefined) {
    const lag = await client.query({ text: options.replicationLagQuery, rowMode: 'array' });
    const first: unknown = (lag.rows[0] as unknown[] | undefined)?.[0];
    record.set(probePostgresReplicationLag, numberFrom(first, 'the replication lag query'));
  }
}

/** Connects, runs `select 1`, reads the server version and, when set, the replication lag. */
export const postgres: Probe<PostgresOptions> = async (options, { signal, record }) => {
  // Loaded on first use: an agent without PostgreSQL targets does not carry the client.
  const { default: postgresClient } = await import('pg');
  const client = new postgresClient.Client({
    connectionString: options.url,
    ...(options.password === undefined ? {} : { password: options.password }),
    application_name: 'aidb-agent',
  });
  // A dead server must not crash the agent through an unhandled 'error' event.
  client.on('error', () => undefined);
  const aborted = untilAborted(signal);
  const closeOnAbort = (): void => {
    // end() destroys the socket while connecting or mid-query, which settles check() below.
    client.end().catch(() => undefined);
  };
  signal.addEventListener('abort', closeOnAbort, { once: true });
  try {
    await Promise.race([check(client, options, record), aborted.promise]);
  } finally {
    signal.removeEventListener('abort', closeOnAbort);
    aborted.dispose();
    await client.end().catch(() => undefined);
  }
};
