/**
 * Serves the WAL archive to a private server's `restore_command` over a Unix socket. This
 * process holds the key and reads the repository, so neither has to be readable by the server
 * user nor written into the data directory: the command (wal-client.ts) only asks for a file.
 * A file is written only into the data directory's pg_wal/, and given to the server user.
 */
import { chmod, chown } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WalArchive } from '../wal/archive.ts';
import { isWalFileName } from '../wal/segments.ts';
import { shellQuote } from './plan.ts';
import type { ServerUser } from './server-user.ts';

const clientScript = fileURLToPath(new URL('./wal-client.ts', import.meta.url));

export interface WalServer {
  /** The restore_command that asks this server. */
  readonly command: string;
  /** Files it could not deliver, with why (digest mismatch, decryption failure). */
  failures(): readonly string[];
  close(): Promise<void>;
}

export interface WalServerOptions {
  readonly archive: WalArchive;
  readonly socketPath: string;
  readonly dataDir: string;
  readonly user: ServerUser | undefined;
  readonly signal: AbortSignal;
}

export async function startWalServer(options: WalServerOptions): Promise<WalServer> {
  const { archive, dataDir, user } = options;
  const walDir = resolve(dataDir, 'pg_wal');
  // PostgreSQL asks again for a file it did not get: each failure is told once.
  const failures = new Set<string>();

  async function answer(name: string, path: string): Promise<string> {
    const destination = resolve(dataDir, path);
    if (!isWalFileName(name) || dirname(destination) !== walDir) return 'missing';
    try {
      if (!(await archive.fetch(name, destination, options.signal))) return 'missing';
      if (user !== undefined) await chown(destination, user.uid, user.gid);
      return 'ok';
    } catch (error) {
      const why = `${name}: ${(error as Error).message.replace(/^backups: /, '')}`;
      failures.add(why);
      return `error ${why}`;
    }
  }

  const server = createServer((socket: Socket) => {
    let request = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      request += chunk;
      const [name, path, rest] = request.split('\n');
      if (rest === undefined || name === undefined || path === undefined) return;
      void answer(name, path).then((reply) => socket.end(`${reply}\n`));
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      resolveListen();
    });
  });
  await chmod(options.socketPath, 0o600);
  if (user !== undefined) await chown(options.socketPath, user.uid, user.gid);
  return {
    command: [process.execPath, clientScript, options.socketPath]
      .map(shellQuote)
      .concat('%f', '%p')
      .join(' '),
    failures: () => [...failures],
    close: () =>
      new Promise((resolveClose) => {
        server.close(() => {
          resolveClose();
        });
      }),
  };
}
