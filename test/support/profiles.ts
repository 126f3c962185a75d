import { externalVectorIndex } from './pgvector.ts';
import { startPostgres, type PostgresServer } from './postgres.ts';
import { startRedis, type RedisServer } from './redis.ts';

/** The servers a profile's service runs against, and the env that points the service at them. */
export interface ProfileBackends {
  readonly name: 'embedded' | 'external';
  /** Environment for a service on this profile; each call gets a fresh database. */
  env(): Promise<Record<string, string>>;
  /** The vector index the service chooses on these backends. */
  readonly vectorIndex: 'memory_exact' | 'pgvector' | 'exact_sql';
  readonly postgres?: PostgresServer;
  readonly redis?: RedisServer;
  close(): Promise<void>;
}

export function embeddedBackends(): Promise<ProfileBackends> {
  return Promise.resolve({
    name: 'embedded',
    vectorIndex: 'memory_exact',
    env: () => Promise.resolve({}),
    close: () => Promise.resolve(),
  });
}

/** A private PostgreSQL 15 and Redis 7, shared by the file; every env() call makes a new database. */
export async function externalBackends(): Promise<ProfileBackends> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  let databases = 0;
  return {
    name: 'external',
    // PostgreSQL 15 with pgvector where it is installed (CI builds it), exact SQL where not.
    vectorIndex: externalVectorIndex(),
    postgres,
    redis,
    async env() {
      databases += 1;
      const url = await postgres.createDatabase(`aidb_${databases}`);
      return { AIDB_PROFILE: 'external', DATABASE_URL: url, REDIS_URL: redis.url };
    },
    async close() {
      await Promise.all([postgres.close(), redis.close()]);
    },
  };
}

export const profileBackends = { embedded: embeddedBackends, external: externalBackends } as const;
