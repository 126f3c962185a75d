/**
 * One backup run through the whole engine (dump → zstd → age → file, then level-1
 * verification), in its own process so its peak RSS is the pipeline's alone. Prints JSON.
 */
import { createBackupEngine } from '../backups/engine.ts';
import { createBaseBackupDriver } from '../backups/postgres/base-driver.ts';
import { createPostgresDriver } from '../backups/postgres/driver.ts';
import { createRepository } from '../backups/repository.ts';
import { createLogger } from '../lib/logger.ts';

const [url, dir, recipient, binDir] = process.argv.slice(2);
// The identity is a secret: it comes from the environment, never argv.
const identity = process.env.AIDB_BENCH_IDENTITY;
if (url === undefined || dir === undefined || recipient === undefined || identity === undefined) {
  throw new Error(
    'usage: AIDB_BENCH_IDENTITY=… backup-child.ts <url> <repository> <recipient> [pg bin dir]',
  );
}
const engine = createBackupEngine({
  repository: createRepository(dir),
  drivers: {
    // AIDB_BENCH_BASE=1: a pg_basebackup base (bench/backup.ts) instead of a pg_dump.
    postgres: (process.env.AIDB_BENCH_BASE === '1' ? createBaseBackupDriver : createPostgresDriver)(
      { connection: { url, binDir }, scratchPrefix: 'aidb_bench_' },
    ),
  },
  recipients: [recipient],
  identities: [identity],
  compressionLevel: Number(process.env.AIDB_BENCH_LEVEL ?? '3'),
  retention: {
    daily: 1,
    weekly: 0,
    monthly: 0,
    timeZone: 'UTC',
    minVerified: 1,
    gracePeriodMs: 0,
    maxDeletions: 0,
  },
  logger: createLogger({ level: 'warn', name: 'bench' }),
  tools: { aidb: 'bench' },
});
const started = performance.now();
const outcome = await engine.run('postgres', new AbortController().signal);
const total = (performance.now() - started) / 1000;
if (outcome.status !== 'success')
  throw new Error(`bench: backup failed: ${JSON.stringify(outcome)}`);
const { manifest, verification } = outcome;
const part = manifest.parts[0];
process.stdout.write(
  `${JSON.stringify({
    backupSeconds: (Date.parse(manifest.finishedAt) - Date.parse(manifest.startedAt)) / 1000,
    verifySeconds: verification.durationSeconds,
    totalSeconds: total,
    plainBytes: part?.plain.bytes,
    storedBytes: part?.stored.bytes,
    // resourceUsage().maxRSS is in kibibytes (getrusage ru_maxrss on Linux).
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
