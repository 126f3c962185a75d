import { probeRedisMaster, probeRedisMemory } from '../../catalog/metrics/probes.ts';
import type { ProbeOptionsConfig } from '../../config/sections/agent-targets.ts';
import { ProbeFailure, untilAborted, type Probe } from './probe.ts';

export type RedisOptions = Omit<ProbeOptionsConfig['redis'], 'passwordFile'> & {
  /** Read from `passwordFile`, or `REDIS_PASSWORD` for the default target. */
  readonly password?: string | undefined;
};

/** `field:value` lines of an INFO section. */
export function parseInfo(text: string): ReadonlyMap<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}

/** PING, then the replication role and used memory from INFO. */
export const redis: Probe<RedisOptions> = async (options, { signal, record }) => {
  // Loaded on first use: an agent without Redis targets does not carry the client.
  const { Redis } = await import('ioredis');
  const client = new Redis(options.url, {
    ...(options.password === undefined ? {} : { password: options.password }),
    lazyConnect: true,
    // One attempt: the probe measures whether Redis answers now, retries would hide it.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectionName: 'aidb-agent',
  });
  client.on('error', () => undefined);
  const aborted = untilAborted(signal);
  const closeOnAbort = (): void => {
    client.disconnect();
  };
  signal.addEventListener('abort', closeOnAbort, { once: true });
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
        const info = parseInfo(
          `${await client.info('replication')}\r\n${await client.info('memory')}`,
        );
        const role = info.get('role');
        const used = Number(info.get('used_memory'));
        if (role === undefined || !Number.isFinite(used)) {
          throw new ProbeFailure('invalid_response', 'redis: INFO lacks role or used_memory');
        }
        record.set(probeRedisMaster, role === 'master' ? 1 : 0);
        record.set(probeRedisMemory, used);
      })(),
      aborted.promise,
    ]);
  } finally {
    signal.removeEventListener('abort', closeOnAbort);
    aborted.dispose();
    client.disconnect();
  }
};
