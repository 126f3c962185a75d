/**
 * A private PostgreSQL server on a restored data directory, for recovery and its checks: no
 * network (`listen_addresses = ''`), its Unix socket and its own trust-only pg_hba.conf in a
 * work directory of its own, the source's archiving, replication, TLS and memory settings
 * overridden, English log lines on stderr so they can be read. As root it runs as the server
 * user, which is given both directories.
 */
import { spawn } from 'node:child_process';
import { access, chown, lstat, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BackupError } from '../errors.ts';
import { readHotStandbyMinimums } from './control-data.ts';
import { parseRecoveryLog } from './recovery-log.ts';
import type { ServerUser } from './server-user.ts';

export interface PrivateServerOptions {
  /** `backups.postgresBinDir`; PATH when absent. */
  readonly binary: string;
  readonly dataDir: string;
  /** Holds the socket and pg_hba.conf; short enough for a socket path. */
  readonly workDir: string;
  readonly user: ServerUser | undefined;
  /** Recovery settings on top of the fixed ones (`restore_command`, targets). */
  readonly settings: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

export interface PrivateServer {
  /** The socket directory and port, for a client on this machine. */
  readonly host: string;
  readonly port: number;
  /** Every log line so far. */
  lines(): readonly string[];
  /** The first line matching, now or later; rejects when the server exits first. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Fast shutdown (SIGINT), then waits for the exit. */
  stop(): Promise<void>;
}

const port = 5432;
/** Time a fast shutdown gets before an immediate one (SIGQUIT). */
const stopGraceMs = 60_000;

/** Where the `postgres` server binary is, or undefined when it is not there. */
export async function findServerBinary(binDir: string | undefined): Promise<string | undefined> {
  const dirs =
    binDir === undefined ? (process.env.PATH ?? '').split(':').filter(Boolean) : [binDir];
  for (const dir of dirs) {
    const path = join(dir, 'postgres');
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return undefined;
}

/** The one line for a server binary that is not there, naming the setting. */
export function missingServer(binDir: string | undefined): string {
  return `the PostgreSQL server binary postgres is not ${binDir === undefined ? 'on PATH' : `in ${binDir}`}; set AIDB_BACKUP_PG_BIN_DIR (backups.postgresBinDir) to the server's bin directory (/usr/lib/postgresql/15/bin on Debian)`;
}

/** chown -R, without following links. */
export async function giveTo(user: ServerUser | undefined, path: string): Promise<void> {
  if (user === undefined) return;
  await chown(path, user.uid, user.gid);
  if (!(await lstat(path)).isDirectory()) return;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await giveTo(user, child);
    else await chown(child, user.uid, user.gid);
  }
}

export async function startPrivateServer(options: PrivateServerOptions): Promise<PrivateServer> {
  const { dataDir, workDir, user } = options;
  const hba = join(workDir, 'pg_hba.conf');
  await writeFile(hba, 'local all all trust\n', { mode: 0o600 });
  // A Debian cluster keeps its configuration in /etc: the base then has none, and an empty
  // file is enough with everything that matters given on the command line.
  await writeFile(join(dataDir, 'postgresql.conf'), '', { flag: 'a', mode: 0o600 });
  await giveTo(user, workDir);
  await giveTo(user, dataDir);
  const settings: Record<string, string> = {
    listen_addresses: '',
    port: String(port),
    unix_socket_directories: workDir,
    hba_file: hba,
    ssl: 'off',
    archive_mode: 'off',
    archive_command: '',
    archive_cleanup_command: '',
    recovery_end_command: '',
    primary_conninfo: '',
    primary_slot_name: '',
    synchronous_standby_names: '',
    recovery_min_apply_delay: '0',
    shared_buffers: '128MB',
    hot_standby: 'on',
    logging_collector: 'off',
    log_destination: 'stderr',
    log_min_messages: 'warning',
    log_line_prefix: '%m ',
    lc_messages: 'C',
    ...(await readHotStandbyMinimums(options.binary, dataDir)),
    ...options.settings,
  };
  const args = ['-D', dataDir];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const child = spawn(options.binary, args, {
    cwd: dataDir,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
  });
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  createInterface({ input: child.stderr }).on('line', (line) => {
    lines.push(line);
    for (const watch of watchers) watch(line);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (cause) => {
      resolve(`cannot start ${options.binary}: ${cause.message}`);
    });
    child.once('close', (code, signal) => {
      resolve(signal === null ? `exited with status ${String(code)}` : `ended by ${signal}`);
    });
  });
  let running = true;
  const quit = (): void => {
    if (running) child.kill('SIGQUIT');
  };
  options.signal.addEventListener('abort', quit, { once: true });
  void exited.then(() => {
    running = false;
    options.signal.removeEventListener('abort', quit);
  });

  return {
    host: workDir,
    port,
    lines: () => lines,
    waitFor(pattern) {
      const found = lines.find((l) => pattern.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const watch = (line: string): void => {
          if (!pattern.test(line)) return;
          watchers.delete(watch);
          resolve(line);
        };
        watchers.add(watch);
        void exited.then((how) => {
          if (!watchers.delete(watch)) return;
          const { fatal } = parseRecoveryLog(lines);
          reject(
            new BackupError(
              'verify_failed',
              `backups: the private PostgreSQL server ${how}${fatal === undefined ? '' : `: ${fatal}`}`,
            ),
          );
        });
      });
    },
    async stop() {
      if (running) child.kill('SIGINT');
      const timer = setTimeout(quit, stopGraceMs);
      timer.unref();
      await exited;
      clearTimeout(timer);
    },
  };
}
