import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { binaries, binaryPath } from './binaries.ts';
import { freePort } from './ports.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

/** A private PostgreSQL 15 cluster (own data dir, socket dir and port) for one test file. */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Superuser URL of the `postgres` database (trust auth on loopback). */
  readonly url: string;
  urlFor(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  isRunning(): Promise<boolean>;
  start(): Promise<void>;
  /** Fast shutdown: sessions are disconnected, the cluster shuts down cleanly. */
  stop(): Promise<void>;
  /** Crash: SIGKILL to the postmaster and every backend, as an OOM kill would. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the cluster and deletes its directory. */
  close(): Promise<void>;
}

// initdb and postgres refuse to run as root; as root the cluster belongs to `postgres`.
async function runAsOwner(command: string, args: readonly string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot
    ? [binaryPath(binaries.runuser), ['-u', 'postgres', '--', command, ...args]]
    : [command, args];
  await run(file, argv, { timeout: 60_000 });
}

async function ownerIds(): Promise<{ uid: number; gid: number }> {
  if (process.getuid?.() !== 0) return { uid: userInfo().uid, gid: userInfo().gid };
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (after the parenthesised command name) is the parent pid.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) found.push(Number(entry));
    } catch {
      // The process ended while we looked; it is no longer a child of anything.
    }
  }
  return found;
}

// A killed process whose parent has not reaped it yet is a zombie: dead for our purposes.
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const root = await mkdtemp(join(tmpdir(), 'aidb-pg-'));
  const { uid, gid } = await ownerIds();
  await chown(root, uid, gid);
  const dataDir = join(root, 'data');
  const port = await freePort();
  const host = '127.0.0.1';
  const pgCtl = binaryPath(binaries.pgCtl);
  await runAsOwner(binaryPath(binaries.initdb), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
    '--no-instructions',
  ]);
  // fsync off: tests kill processes, not the kernel, so the page cache keeps every write.
  const serverOptions = [
    `-p ${port}`,
    `-k ${root}`,
    `-c listen_addresses=${host}`,
    '-c fsync=off',
    '-c full_page_writes=off',
  ].join(' ');
  const urlFor = (database: string): string => `postgres://postgres@${host}:${port}/${database}`;

  const server: PostgresServer = {
    host,
    port,
    dataDir,
    url: urlFor('postgres'),
    urlFor,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async isRunning() {
      try {
        await runAsOwner(pgCtl, ['status', '-D', dataDir]);
        return true;
      } catch {
        return false;
      }
    },
    async start() {
      await runAsOwner(pgCtl, [
        'start',
        '-D',
        dataDir,
        '-w',
        '-t',
        '30',
        '-l',
        join(root, 'server.log'),
        '-o',
        serverOptions,
      ]);
    },
    async stop() {
      if (await server.isRunning())
        await runAsOwner(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w']);
    },
    async kill() {
      const pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
      const postmaster = Number(pidFile.split('\n')[0]);
      if (!Number.isInteger(postmaster) || postmaster <= 0) return;
      const victims = [postmaster, ...(await childrenOf(postmaster))];
      for (const pid of victims) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await waitFor('killed PostgreSQL processes to exit', async () => {
        const alive = await Promise.all(victims.map(isAlive));
        return alive.every((a) => !a);
      });
      // The dead postmaster can linger as a zombie until init reaps it, and PostgreSQL takes a
      // live PID in its lock files as "another server is running". It is dead: drop the locks.
      await rm(join(dataDir, 'postmaster.pid'), { force: true });
      await rm(join(root, `.s.PGSQL.${port}.lock`), { force: true });
    },
    async restart() {
      await server.stop();
      await server.start();
    },
    async close() {
      await server.stop().catch(() => server.kill());
      await rm(root, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
