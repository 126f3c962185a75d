/**
 * The agent's backup jobs: `backup` (the database, PostgreSQL or PGlite) and `backup-qdrant`,
 * each on its own schedule and each followed by a level-1 verification, `verify` (level 2: the newest good backup of each target restored into a
 * scratch database) and `prune` (retention). The three share one engine and its metrics.
 */
import { configuredTargets } from '../../backups/configured-targets.ts';
import type { BackupEngine } from '../../backups/engine.ts';
import { stateOf } from '../../backups/manifest.ts';
import { createBackupMetrics, type BackupMetrics } from '../../backups/metrics.ts';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import type { Job } from './job.ts';
import type { WalMetrics } from '../../backups/wal/metrics.ts';
import type { BackupTarget } from '../../catalog/labels.ts';

export interface BackupJobsDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly meter: CatalogMeter;
  /** Builds the engine; `createEngineFromConfig` when absent. */
  readonly createEngine?: (metrics: BackupMetrics) => Promise<BackupEngine>;
}

/**
 * Backups are on when they can be written: an age recipient to encrypt to, given directly or
 * derived from the identity. Without one every run would fail, so no job is scheduled.
 */
export function backupsConfigured(config: Config): boolean {
  return config.backups.recipients.length > 0 || config.backups.identity !== undefined;
}

/** Continuous WAL archiving runs where base backups do: the external profile with PITR on. */
export function pitrConfigured(config: Config): boolean {
  return (
    backupsConfigured(config) &&
    config.backups.pitr.enabled &&
    config.profile === 'external' &&
    config.database.url !== undefined
  );
}

/** What the agent runs beside the scheduled jobs: WAL archiving and the copies. */
interface Continuous {
  readonly metrics?: WalMetrics;
  /** Brings the copies up to date; never throws (failures are logged and exported). */
  syncCopies(signal: AbortSignal): Promise<void>;
}

async function createContinuous(
  config: Config,
  logger: Logger,
  meter: CatalogMeter,
): Promise<Continuous> {
  if (!pitrConfigured(config) && config.backups.copies.length === 0)
    return { syncCopies: () => Promise.resolve() };
  const { createWalMetrics } = await import('../../backups/wal/metrics.ts');
  const metrics = createWalMetrics(meter, {
    rpoTargetSeconds: config.backups.pitr.rpoTargetSeconds,
    copies: config.backups.copies.map((c) => c.name),
  });
  const { repositoryDir } = await import('../../backups/from-config.ts');
  const { copyPolicies, createCopier, storesFromConfig } =
    await import('../../backups/copies/copier.ts');
  const copier = createCopier({
    repositoryDir: repositoryDir(config),
    stores: await storesFromConfig(config),
    policies: copyPolicies(config),
    logger,
    onOutcome: (outcome) => {
      metrics.copied(outcome, Date.now());
    },
  });
  return {
    metrics,
    async syncCopies(signal) {
      if (copier.stores.length === 0) return;
      await copier.sync(signal).catch((error: unknown) => {
        logger.warn({ err: error }, 'backups: copy sync failed');
      });
    },
  };
}

/**
 * Starts the WAL receiver for the agent's lifetime. Every agent of a deployment starts one; the
 * replication slot admits one stream at a time, so the others wait and take over when it stops.
 */
async function startWalArchiving(
  config: Config,
  logger: Logger,
  continuous: Continuous,
  signal: AbortSignal,
): Promise<void> {
  const { walArchiveFromConfig, walSpoolDir } = await import('../../backups/from-config.ts');
  const { startWalReceiver } = await import('../../backups/wal/receiver.ts');
  const url = config.database.url;
  if (url === undefined) return;
  const { metrics } = continuous;
  const archive = await walArchiveFromConfig(config);
  // The recovery point survives a restart: it is the newest file in the archive.
  const newest = (await archive.list()).entries.map((e) => Date.parse(e.archivedAt));
  if (newest.length > 0) metrics?.recoveryPoint(Math.max(...newest));
  const receiver = startWalReceiver(
    {
      connection: {
        url,
        password: config.database.password,
        binDir: config.backups.postgresBinDir,
      },
      slot: config.backups.pitr.slot,
      spoolDir: walSpoolDir(config),
      archive,
      logger,
      switchIntervalMs: config.backups.pitr.switchIntervalSeconds * 1000,
      onArchived: (entry) => {
        metrics?.archived();
        metrics?.recoveryPoint(Date.parse(entry.archivedAt));
        void continuous.syncCopies(signal);
      },
      onQuiet: (atMs) => metrics?.recoveryPoint(atMs),
      onStreaming: (active) => metrics?.streaming(active),
      onSlotRetained: (bytes) => metrics?.slotRetained(bytes),
    },
    signal,
  );
  receiver.done.catch((error: unknown) => {
    logger.error({ err: error }, 'backups: WAL archiving stopped');
  });
}

const busy = 'the backup repository is busy (another backup, verify, prune or restore)';

/** How often the agent re-checks the repository between jobs (`aidb_backups{state="missing"}`). */
const refreshIntervalMs = 5 * 60_000;

export function createBackupJobs(deps: BackupJobsDeps): readonly Job[] {
  const { config, logger } = deps;
  const metrics = createBackupMetrics(deps.meter, configuredTargets(config));
  const build =
    deps.createEngine ??
    (async (m: BackupMetrics) => {
      // Loaded at the first run, not with the agent: its resident memory has a bar (120 MB).
      const { createEngineFromConfig } = await import('../../backups/from-config.ts');
      return createEngineFromConfig(config, { logger, metrics: m });
    });
  let continuous: Promise<Continuous> | undefined;
  const continuousOf = (): Promise<Continuous> =>
    (continuous ??= createContinuous(config, logger, deps.meter));
  let engine: Promise<BackupEngine> | undefined;
  const engineOf = (): Promise<BackupEngine> => {
    engine ??= build(metrics).catch((error: unknown) => {
      // A failed build is retried by the next run instead of being remembered forever.
      engine = undefined;
      throw new Error('backups: could not set up the backup engine', { cause: error });
    });
    return engine;
  };

  async function backUp(
    signal: AbortSignal,
    wanted: (target: BackupTarget) => boolean,
  ): Promise<void> {
    const current = await engineOf();
    const failures: string[] = [];
    for (const target of current.targets.filter(wanted)) {
      signal.throwIfAborted();
      const outcome = await current.run(target, signal);
      if (outcome.status === 'skipped') failures.push(`${target}: ${busy}`);
      else if (outcome.status === 'failure')
        failures.push(`${target} (${outcome.reason}): ${outcome.error.message}`);
    }
    // Copies follow every run; one that is down is exported as lag, never a failed backup.
    await (await continuousOf()).syncCopies(signal);
    if (failures.length > 0) throw new Error(`backup failed: ${failures.join('; ')}`);
  }

  const backup: Job = {
    name: 'backup',
    schedule: config.backups.schedule,
    // The deployment's agents share the database and the repository: one run per schedule.
    shared: true,
    async prepare(signal) {
      // Rebuilds last success, sizes and verification gauges from the manifests, so a restart
      // of the agent does not look like backups that stopped.
      const current = await engineOf();
      const report = await current.open(signal);
      for (const problem of report.problems) logger.warn({ problem }, 'backups: repository');
      // Between jobs, a data file deleted or cut short by hand or by a failing disk would show
      // only at the next run: look again every few minutes (a stat per file).
      const timer = setInterval(() => {
        current.refresh().catch((error: unknown) => {
          logger.warn({ err: error }, 'backups: could not refresh the repository gauges');
        });
      }, refreshIntervalMs);
      timer.unref();
      signal.addEventListener('abort', () => {
        clearInterval(timer);
      });
      if (pitrConfigured(config))
        await startWalArchiving(config, logger, await continuousOf(), signal);
    },
    run: (signal) => backUp(signal, (target) => target !== 'qdrant'),
  };

  /** Qdrant on its own schedule: the original ran PostgreSQL at 02:00 and Qdrant at 03:00. */
  const backupQdrant: Job = {
    name: 'backup-qdrant',
    schedule: config.backups.qdrantSchedule,
    shared: true,
    run: (signal) => backUp(signal, (target) => target === 'qdrant'),
  };

  const verify: Job = {
    name: 'verify',
    schedule: config.backups.verifySchedule,
    shared: true,
    async run(signal) {
      const current = await engineOf();
      const { manifests, missing } = await current.list();
      const failures: string[] = [];
      for (const target of current.targets) {
        signal.throwIfAborted();
        const newest = manifests
          .filter(
            (m) =>
              m.target === target && !['failed', 'missing'].includes(stateOf(m, missing.has(m.id))),
          )
          .at(-1);
        if (newest === undefined) {
          failures.push(`${target}: no backup to verify`);
          continue;
        }
        const outcome = await current.verify(newest.id, '2', signal);
        if (outcome.status === 'skipped') failures.push(`${target}: ${busy}`);
        else if (!outcome.verification.ok)
          failures.push(
            `${newest.id} (${outcome.verification.reason ?? 'failed'}): ${outcome.verification.detail ?? ''}`,
          );
      }
      if (failures.length > 0) throw new Error(`verify failed: ${failures.join('; ')}`);
    },
  };

  const prune: Job = {
    name: 'prune',
    schedule: config.backups.pruneSchedule,
    shared: true,
    async run(signal) {
      const outcome = await (await engineOf()).prune({ dryRun: false, signal });
      if (outcome.status === 'skipped') throw new Error(`prune: ${busy}`);
      logger.info(
        { deleted: outcome.deleted.length, blocked: outcome.plan.blocked },
        'backups: prune done',
      );
    },
  };

  const qdrant = configuredTargets(config).includes('qdrant') ? [backupQdrant] : [];
  return [backup, ...qdrant, verify, prune];
}
