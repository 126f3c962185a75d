/**
 * The settings a hot standby needs at least as high as its primary's (PostgreSQL 15 docs, "Hot
 * Standby", Administrator's Overview), as the base's control file records them. A Debian
 * cluster keeps its postgresql.conf in /etc, so the base has none and the defaults could be
 * lower: the private server would then refuse read-only connections at the restore point.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** pg_controldata's name → the server setting. */
const recorded: Readonly<Record<string, string>> = {
  max_connections: 'max_connections',
  max_worker_processes: 'max_worker_processes',
  max_wal_senders: 'max_wal_senders',
  max_prepared_xacts: 'max_prepared_transactions',
  max_locks_per_xact: 'max_locks_per_transaction',
};

/** From `pg_controldata` output (`max_connections setting:   100`). Pure. */
export function hotStandbyMinimums(controlData: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const match of controlData.matchAll(/^(\w+) setting:\s+(\d+)$/gm)) {
    const name = recorded[match[1] ?? ''];
    if (name !== undefined && match[2] !== undefined) settings[name] = match[2];
  }
  return settings;
}

/** Reads them with the pg_controldata beside the server binary; none when it is not there. */
export async function readHotStandbyMinimums(
  serverBinary: string,
  dataDir: string,
): Promise<Record<string, string>> {
  const tool = join(dirname(serverBinary), 'pg_controldata');
  try {
    const { stdout } = await run(tool, [dataDir], { env: { LC_ALL: 'C' } });
    return hotStandbyMinimums(stdout);
  } catch {
    // Without it the cluster's own configuration decides, as when started by hand.
    return {};
  }
}
