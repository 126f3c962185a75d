/**
 * Builds the backup engine from the configuration: a driver for each configured target
 * (configured-targets.ts), the repository and the retention policy.
 */
import { parseAgeIdentities } from '../lib/age-identities.ts';
import { readLocalKey } from '../lib/local-key.ts';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { recipientOf } from './age.ts';
import { configuredTargets } from './configured-targets.ts';
import type { TargetDriver } from './driver.ts';
import { createBackupEngine, type BackupEngine } from './engine.ts';
import type { BackupMetrics } from './metrics.ts';
import { createPgliteDriver } from './pglite/driver.ts';
import { urlFor } from './postgres/connection.ts';
import { createBaseBackupDriver } from './postgres/base-driver.ts';
import { createPostgresDriver } from './postgres/driver.ts';
import { createQdrantDriver } from './qdrant/driver.ts';
import { createRepository } from './repository.ts';
import type { RetentionPolicy } from './retention.ts';
import { walArchive, type WalArchive } from './wal/archive.ts';
import type { BackupTarget } from '../catalog/labels.ts';

const dayMs = 86_400_000;
const require = createRequire(import.meta.url);

/** Version of an installed package whose `exports` hide its package.json. */
function packageVersion(name: string): string {
  const entry = require.resolve(name);
  const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${name}/`));
  return (require(join(root, 'node_modules', name, 'package.json')) as { version: string }).version;
}

const aidbVersion = (require('../package.json') as { version: string }).version;

export function repositoryDir(config: Config): string {
  const dir = config.backups.repository ?? join(config.dataDir, 'backups');
  return isAbsolute(dir) ? dir : resolve(dir);
}

export function retentionPolicy(config: Config): RetentionPolicy {
  const { gracePeriodDays, ...rest } = config.backups.retention;
  return { ...rest, gracePeriodMs: gracePeriodDays * dayMs };
}

export interface EngineFromConfigDeps {
  readonly logger: Logger;
  readonly metrics?: BackupMetrics | undefined;
  /**
   * For `restore --to-time`: base backups restore without reaching any database, so the
   * PostgreSQL target is there even when this configuration has no database (a new machine
   * after a disaster, or the embedded profile's defaults).
   */
  readonly restoreBases?: boolean;
}

async function drivers(
  config: Config,
  tempPath: (name: string) => string,
): Promise<Partial<Record<BackupTarget, TargetDriver>>> {
  const { backups } = config;
  const out: Partial<Record<BackupTarget, TargetDriver>> = {};
  for (const target of configuredTargets(config)) {
    if (target === 'pglite') {
      out.pglite = createPgliteDriver({
        serviceUrl: config.agent.serviceUrl,
        adminKey: () => config.agent.adminKey ?? readLocalKey(config.dataDir),
        tempPath,
      });
    } else if (target === 'postgres' && config.database.url !== undefined) {
      const connection = {
        url: config.database.url,
        password: config.database.password,
        binDir: backups.postgresBinDir,
      };
      const scratch =
        backups.scratch.url === undefined
          ? { ...connection, url: urlFor(connection, 'postgres') }
          : { url: backups.scratch.url, binDir: backups.postgresBinDir };
      const options = { connection, scratch, scratchPrefix: backups.scratch.prefix };
      out.postgres = backups.pitr.enabled
        ? createBaseBackupDriver({
            ...options,
            verify: {
              archive: await walArchiveFromConfig(config),
              binDir: backups.postgresBinDir,
              serverUser: backups.pitr.serverUser,
              scratchDir: scratchDir(config),
            },
          })
        : createPostgresDriver(options);
    } else if (target === 'qdrant' && config.qdrant.url !== undefined) {
      // Loaded only here: Qdrant's client costs the agent ~30 MiB it needs for nothing else.
      const { createQdrantApi } = await import('./qdrant/api.ts');
      const api = createQdrantApi({
        url: config.qdrant.url,
        apiKey: config.qdrant.apiKey,
        timeoutMs: config.qdrant.timeoutMs,
      });
      out.qdrant = createQdrantDriver({
        api,
        url: config.qdrant.url,
        collections: backups.qdrantCollections,
        scratchPrefix: backups.scratch.prefix,
        tempPath,
      });
    }
  }
  return out;
}

/** Identities (to decrypt) and recipients (to encrypt) of the configuration. */
export async function keysOf(
  config: Config,
): Promise<{ readonly identities: string[]; readonly recipients: string[] }> {
  const identities =
    config.backups.identity === undefined
      ? []
      : parseAgeIdentities(config.backups.identity).identities;
  const first = identities[0];
  const recipients =
    config.backups.recipients.length > 0 || first === undefined
      ? [...config.backups.recipients]
      : [await recipientOf(first)];
  return { identities: [...identities], recipients };
}

/** The WAL archive of the configured repository. */
export async function walArchiveFromConfig(config: Config): Promise<WalArchive> {
  const { identities, recipients } = await keysOf(config);
  return walArchive({
    repositoryDir: repositoryDir(config),
    identities,
    recipients,
    compressionLevel: config.backups.pitr.compressionLevel,
  });
}

/** Parent of private servers' scratch directories (level 2 of bases, `restore --to-time`). */
export function scratchDir(config: Config): string {
  return resolve(config.backups.scratch.dir ?? tmpdir());
}

export function walSpoolDir(config: Config): string {
  const dir = config.backups.pitr.spoolDir ?? join(config.dataDir, 'wal-spool');
  return isAbsolute(dir) ? dir : resolve(dir);
}

export async function createEngineFromConfig(
  config: Config,
  deps: EngineFromConfigDeps,
): Promise<BackupEngine> {
  const repository = createRepository(repositoryDir(config));
  const { identities, recipients } = await keysOf(config);
  const configured = await drivers(config, repository.tempPath);
  if (deps.restoreBases === true && !config.backups.pitr.enabled) {
    const connection = {
      url: config.database.url ?? 'postgres://localhost/postgres',
      password: config.database.password,
      binDir: config.backups.postgresBinDir,
    };
    configured.postgres = createBaseBackupDriver({
      connection,
      scratchPrefix: config.backups.scratch.prefix,
    });
  }
  return createBackupEngine({
    repository,
    drivers: configured,
    recipients,
    identities,
    compressionLevel: config.backups.compressionLevel,
    // With PITR the PostgreSQL target writes base backups, at their own level.
    targetCompressionLevels: config.backups.pitr.enabled
      ? { postgres: config.backups.pitr.compressionLevel }
      : {},
    retention: retentionPolicy(config),
    wal: config.backups.pitr.enabled ? await walArchiveFromConfig(config) : undefined,
    logger: deps.logger,
    metrics: deps.metrics,
    tools: {
      aidb: aidbVersion,
      node: process.version,
      zstd: process.versions.zstd ?? 'unknown',
      ageEncryption: packageVersion('age-encryption'),
    },
  });
}
