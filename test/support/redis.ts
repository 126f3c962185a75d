import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaries, binaryPath } from './binaries.ts';
import { createManagedProcess, extendProcess, type ManagedProcess } from './managed-process.ts';
import { freePort } from './ports.ts';

/** A private redis-server child on its own port; nothing is persisted. */
export interface RedisServer extends ManagedProcess {
  readonly port: number;
  readonly url: string;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/** Sends PING over a raw socket, so readiness does not depend on the client under test. */
async function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => {
      finish(false);
    });
    socket.once('error', () => {
      finish(false);
    });
    socket.once('data', (data) => {
      finish(data.toString().startsWith('+PONG'));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'aidb-redis-'));
  const proc = createManagedProcess({
    name: `redis-server :${port}`,
    command: binaryPath(binaries.redisServer),
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ],
    isReady: () => pings(port),
  });
  await proc.start();
  return extendProcess(proc, {
    port,
    url: `redis://127.0.0.1:${port}`,
    async close() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}
