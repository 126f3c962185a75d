import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../lib/logger.ts';
import type { CatalogMeter } from '../lib/telemetry/catalog-meter.ts';
import type { Cache } from './cache/cache.ts';
import { createMemoryCache } from './cache/memory.ts';
import { createRedisCache } from './cache/redis.ts';
import { createBuiltinEmbedder } from './embeddings/builtin.ts';
import type { Embedder } from './embeddings/embedder.ts';
import { createHttpEmbedder } from './embeddings/http.ts';
import { DependencyError } from './dependencies/dependency-error.ts';
import { sanitizeError } from './health/sanitize.ts';
import type { KnowledgeDeps } from './knowledge/deps.ts';
import { snippetSourceLength } from './knowledge/search.ts';
import { createBreakers } from './resilience/breakers.ts';
import { createDependencyGuard, type DependencyCall } from './resilience/guard.ts';
import { applyMigrations, loadMigrations, withMigrationLock } from './store/migrate.ts';
import { openPglite } from './store/pglite.ts';
import { openPostgres } from './store/postgres.ts';
import type { Database, Sql } from './store/sql.ts';
import { instrumentCache, instrumentEmbedder, instrumentPool } from './telemetry/instrumented.ts';
import type { ServiceTelemetry } from './telemetry/service-telemetry.ts';
import { registerStoreGauges } from './telemetry/store-gauges.ts';
import { createExactSqlIndex } from './vectors/exact-sql.ts';
import { createMemoryIndex } from './vectors/memory-index.ts';
import { javascriptKernel, loadNativeKernel } from './vectors/scan-kernels.ts';
import { createPgvectorIndex } from './vectors/pgvector.ts';
import { createQdrantIndex } from './vectors/qdrant.ts';
import type { VectorIndex } from './vectors/vector-index.ts';
import type { BreakerDependency } from '../catalog/labels.ts';

async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  return config.profile === 'embedded'
    ? openPglite(config.dataDir, logger)
    : openPostgres(config.database, logger);
}

/**
 * pgvector serves when the database has it or this role may create it. It is not a trusted
 * extension: an ordinary role is refused (42501), and would otherwise fail start-up for ever.
 * Managed services grant it to roles that are not superusers, so trying is the only test.
 */
async function pgvectorUsable(sql: Sql, logger: Logger): Promise<boolean> {
  const { rows } = await sql.query<{ available: boolean; installed: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available,
            EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS installed`,
  );
  const found = rows[0];
  if (found === undefined || !found.available) {
    logger.info('pgvector is not available: vector search runs as exact SQL');
    return false;
  }
  if (found.installed) return true;
  try {
    await sql.query('CREATE EXTENSION IF NOT EXISTS vector');
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error;
    logger.warn(
      'pgvector is on the server but not in this database, and this role may not create it: run CREATE EXTENSION vector there as a superuser and restart; until then vector search runs as exact SQL',
    );
    return false;
  }
}

/**
 * Qdrant when configured; else, embedded, exact search in process; else pgvector where the
 * database has it, exact SQL where not.
 */
async function chooseIndex(
  config: Config,
  bare: Sql,
  db: Database,
  logger: Logger,
  call: DependencyCall,
): Promise<VectorIndex> {
  if (config.qdrant.url !== undefined) {
    // Loaded only here: Qdrant's client costs ~30 MiB of memory a service without it never needs.
    const { createQdrantClient } = await import('./vectors/qdrant-client.ts');
    const client = createQdrantClient({
      url: config.qdrant.url,
      apiKey: config.qdrant.apiKey,
      timeoutMs: config.qdrant.timeoutMs,
      around: (operation, run) => call('qdrant', operation, run),
    });
    return createQdrantIndex(client);
  }
  if (config.profile === 'embedded') {
    const kernel = await loadNativeKernel();
    if (kernel === undefined)
      logger.warn('usearch did not load: vector search scans in JavaScript');
    return createMemoryIndex({
      pool: db.pool,
      logger,
      snapshotPath: join(config.dataDir, 'vector-index.bin'),
      kernel: kernel ?? javascriptKernel,
      previewLength: snippetSourceLength,
    });
  }
  if (await pgvectorUsable(bare, logger)) {
    return createPgvectorIndex({
      pool: db.pool,
      logger,
      sweepMs: config.database.pgvectorSweepMs,
      buildMemoryMb: config.database.pgvectorBuildMemoryMb,
    });
  }
  return createExactSqlIndex(db.pool);
}

function chooseEmbedder(config: Config): Embedder {
  const { embeddings } = config;
  if (embeddings.url === undefined) return createBuiltinEmbedder(embeddings.dimension);
  return createHttpEmbedder({
    url: embeddings.url,
    apiKey: embeddings.apiKey,
    model: embeddings.model,
    dimension: embeddings.dimension,
    timeoutMs: embeddings.timeoutMs,
    batchSize: embeddings.batchSize,
  });
}

function chooseCache(config: Config, logger: Logger): Cache & { readonly client?: Redis } {
  if (config.profile === 'embedded' || config.redis.url === undefined) return createMemoryCache();
  // A cache slower than this is worse than none: treat the call as a miss.
  return createRedisCache({
    url: config.redis.url,
    password: config.redis.password,
    commandTimeoutMs: 250,
    logger,
  });
}

/** Dependencies whose failure fails requests get a breaker; Redis is a cache and fails open. */
function guardedDependencies(config: Config): BreakerDependency[] {
  return [
    'postgres',
    ...(config.qdrant.url === undefined ? [] : (['qdrant'] as const)),
    ...(config.embeddings.url === undefined ? [] : (['embeddings'] as const)),
  ];
}

/** What the service can build without reaching any dependency: clients connect on first use. */
export type BaseDeps = Omit<KnowledgeDeps, keyof StoreDeps>;

/** What needs PostgreSQL to answer: the migrated database and the vector index on it. */
export interface StoreDeps {
  readonly db: KnowledgeDeps['db'];
  readonly index: KnowledgeDeps['index'];
}

/**
 * Breakers, the embedder and the cache: nothing here waits for a server, so the service can
 * listen (and answer its probes) while PostgreSQL, Redis or Qdrant are still down.
 */
export function assembleBase(
  config: Config,
  logger: Logger,
  telemetry: ServiceTelemetry,
): BaseDeps {
  const breakers = createBreakers(
    guardedDependencies(config),
    {
      volumeThreshold: config.resilience.breakerVolumeThreshold,
      errorPercentage: config.resilience.breakerErrorPercentage,
      windowMs: config.resilience.breakerWindowMs,
      resetMs: config.resilience.breakerResetMs,
    },
    (dependency, state) => {
      logger.warn({ dependency, state }, 'circuit breaker changed state');
      telemetry.breakers.transition(dependency, state);
    },
  );
  telemetry.breakers.observe(() =>
    breakers.dependencies.map((dependency) => ({ dependency, state: breakers.state(dependency) })),
  );
  const call = createDependencyGuard(
    telemetry.dependencies,
    breakers,
    new Set(breakers.dependencies),
  );
  const cache = chooseCache(config, logger);
  return {
    embedder: instrumentEmbedder(chooseEmbedder(config), call, telemetry.embeddings),
    cache: cache.kind === 'redis' ? instrumentCache(cache, call) : cache,
    redis: cache.client,
    logger,
    telemetry: telemetry.knowledge,
    breakers,
    call,
  };
}

/** The error worth showing: a wrapper's cause, the first of several connection attempts. */
function rootCause(error: unknown): unknown {
  if (error instanceof AggregateError && error.errors.length > 0) return rootCause(error.errors[0]);
  if (error instanceof Error && error.cause !== undefined) return rootCause(error.cause);
  return error;
}

/** Runs one start-up step; its failure names the dependency, in words a probe may show. */
async function step<T>(dependency: 'postgres' | 'qdrant', run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DependencyError) throw error;
    throw new DependencyError(dependency, 'connection', sanitizeError(rootCause(error)), {
      cause: error,
    });
  }
}

/**
 * One start-up attempt: opens the database, migrates the schema and prepares the vector index.
 * First contact and migrations use the bare pool, so a late PostgreSQL does not open the
 * breaker that guards requests. A failure closes what it opened; the caller retries.
 */
export async function connectStore(
  config: Config,
  logger: Logger,
  base: BaseDeps,
  meter: CatalogMeter | undefined,
): Promise<StoreDeps> {
  const opened = await step('postgres', () => openDatabase(config, logger));
  const db = { ...opened, pool: instrumentPool(opened.pool, base.call) };
  try {
    // On one connection that holds the migration lock: migrations, then the index's extension
    // and tables, so replicas starting together change the schema one at a time.
    const index = await step('postgres', () =>
      withMigrationLock(opened.pool, async (client) => {
        const applied = await step('postgres', async () =>
          applyMigrations(client, await loadMigrations()),
        );
        if (applied.length > 0) logger.info({ versions: applied }, 'database migrated');
        const chosen = await step('postgres', () =>
          chooseIndex(config, client, db, logger, base.call),
        );
        await step(chosen.kind === 'qdrant' ? 'qdrant' : 'postgres', () => chosen.prepare(client));
        return chosen;
      }),
    );
    if (meter !== undefined) {
      // PGlite serves one connection however large the pool setting.
      const poolMax = db.engine === 'pglite' ? 1 : config.database.poolMax;
      registerStoreGauges(meter, db.pool, poolMax);
    }
    return { db, index };
  } catch (error) {
    await opened.close().catch(() => undefined);
    throw error;
  }
}

export async function closeStore(store: StoreDeps): Promise<void> {
  await store.index.close();
  await store.db.close();
}

export async function closeBase(base: BaseDeps): Promise<void> {
  await base.cache.close();
  base.breakers.shutdown();
}
