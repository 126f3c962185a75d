import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../support/redis.ts';

function client(server: RedisServer): Redis {
  const redis = new Redis(server.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  return redis;
}

/** The error code of a plain TCP connect to the port (undefined when it connects). */
async function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code);
    });
  });
}

describe('private Redis helper', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves Redis 7 on its own port', async () => {
    const redis = client(server);
    await redis.connect();
    const info = await redis.info('server');
    expect(info).toMatch(/redis_version:7\./);
    expect(info).toContain(`tcp_port:${server.port}`);
    redis.disconnect();
  });

  it('stops, kills and starts again; nothing is persisted', async () => {
    const before = client(server);
    await before.connect();
    await before.set('k', 'v');
    before.disconnect();

    await server.stop();
    expect(server.running).toBe(false);
    expect(await connectError(server.port)).toBe('ECONNREFUSED');

    await server.start();
    const after = client(server);
    await after.connect();
    expect(await after.get('k')).toBeNull();
    await after.set('k', 'again');

    await server.kill();
    expect(server.running).toBe(false);
    expect(await connectError(server.port)).toBe('ECONNREFUSED');
    after.disconnect();

    await server.restart();
    const last = client(server);
    await last.connect();
    expect(await last.ping()).toBe('PONG');
    last.disconnect();
  });

  it('gives every call its own server', async () => {
    const other = await startRedis();
    try {
      expect(other.port).not.toBe(server.port);
      await other.kill();
      const redis = client(server);
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
    } finally {
      await other.close();
    }
  });
});
