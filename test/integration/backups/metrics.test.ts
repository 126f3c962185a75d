import { cp, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';
import { metricsOf } from '../../../catalog/metrics.ts';
import { createBackupMetrics } from '../../../backups/metrics.ts';
import { createPostgresDriver } from '../../../backups/postgres/driver.ts';
import type { Manifest } from '../../../backups/manifest.ts';
import { createPrometheusMetrics } from '../../../lib/telemetry/prometheus.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import {
  generateKeys,
  scratchDir,
  seedServiceDatabase,
  testEngine,
  type Keys,
  pgBin,
} from './fixtures.ts';

const signal = new AbortController().signal;

/** `name{labels} value` lines of the exposition, sorted. */
function samples(text: string, prefix: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .sort();
}

describe('backup metrics', () => {
  let server: PostgresServer;
  let keys: Keys;
  let dir: string;
  let manifest: Manifest;
  let firstScrape: string;

  const driver = () =>
    createPostgresDriver({
      connection: { url: server.urlFor('source'), binDir: pgBin },
      scratch: { url: server.url, binDir: pgBin },
      scratchPrefix: 'aidb_verify_',
    });

  const agentMetrics = () => {
    const prometheus = createPrometheusMetrics({
      serviceName: 'aidb-agent',
      serviceVersion: 'test',
      metrics: metricsOf('agent'),
    });
    return { prometheus, metrics: createBackupMetrics(prometheus.meter, ['postgres']) };
  };

  beforeAll(async () => {
    server = await startPostgres();
    await seedServiceDatabase(await server.createDatabase('source'), {
      collections: 1,
      documents: 20,
      chunks: 1,
    });
    keys = await generateKeys();
    dir = await scratchDir('metrics');
    const { prometheus, metrics } = agentMetrics();
    const { engine } = testEngine({ dir, drivers: { postgres: driver() }, keys, metrics });
    await engine.open(signal);
    const outcome = await engine.run('postgres', signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    const verified = await engine.verify(outcome.manifest.id, '2', signal);
    if (verified.status !== 'done') throw new Error('verify skipped');
    manifest = verified.manifest;
    firstScrape = await prometheus.render();
  });

  afterAll(async () => {
    await server.close();
  });

  it('exports the outcome of a run and its verifications', async () => {
    const seconds = (iso: string): number => Date.parse(iso) / 1000;
    const [l1, l2] = manifest.verifications;
    const plain = manifest.parts[0]?.plain.bytes ?? 0;
    const stored = manifest.parts[0]?.stored.bytes ?? 0;
    const manifestBytes = (await stat(join(dir, `${manifest.id}.manifest.json`))).size;
    const lines = samples(firstScrape, 'aidb_backup');
    expect(lines.filter((l) => l.startsWith('aidb_backup_repository_free_bytes'))).toEqual([
      expect.stringMatching(/^aidb_backup_repository_free_bytes [1-9]\d*$/),
    ]);
    expect(lines.filter((l) => !l.includes('free_bytes'))).toEqual(
      [
        `aidb_backup_consecutive_failures{target="postgres"} 0`,
        `aidb_backup_in_progress{target="postgres"} 0`,
        `aidb_backup_last_attempt_timestamp_seconds{target="postgres"} ${seconds(manifest.startedAt)}`,
        `aidb_backup_last_duration_seconds{target="postgres"} ${seconds(manifest.finishedAt) - seconds(manifest.startedAt)}`,
        `aidb_backup_last_run_ok{target="postgres"} 1`,
        `aidb_backup_last_size_bytes{target="postgres",stream="plain"} ${plain}`,
        `aidb_backup_last_size_bytes{target="postgres",stream="stored"} ${stored}`,
        `aidb_backup_last_success_timestamp_seconds{target="postgres"} ${seconds(manifest.finishedAt)}`,
        `aidb_backup_last_verification_timestamp_seconds{target="postgres",level="1"} ${seconds(l1?.at ?? '')}`,
        `aidb_backup_last_verification_timestamp_seconds{target="postgres",level="2"} ${seconds(l2?.at ?? '')}`,
        `aidb_backup_oldest_timestamp_seconds{target="postgres"} ${seconds(manifest.startedAt)}`,
        ...['clock_skew', 'max_deletions', 'no_verified_backup'].map(
          (reason) => `aidb_backup_prune_blocked_total{target="postgres",reason="${reason}"} 0`,
        ),
        `aidb_backup_prune_deleted_total{target="postgres"} 0`,
        `aidb_backup_repository_size_bytes ${stored + manifestBytes}`,
        `aidb_backup_runs_total{target="postgres",result="success",reason="none"} 1`,
        `aidb_backup_verification_ok{target="postgres",level="1"} 1`,
        `aidb_backup_verification_ok{target="postgres",level="2"} 1`,
        `aidb_backups{target="postgres",state="failed"} 0`,
        `aidb_backups{target="postgres",state="missing"} 0`,
        `aidb_backups{target="postgres",state="unverified"} 0`,
        `aidb_backups{target="postgres",state="verified"} 1`,
      ].sort(),
    );
  });

  it('rebuilds the gauges from the manifests after a restart', async () => {
    const { prometheus, metrics } = agentMetrics();
    const { engine } = testEngine({ dir, drivers: { postgres: driver() }, keys, metrics });
    const opened = await engine.open(signal);
    expect(opened).toEqual({ removed: [], droppedScratch: [], problems: [], cleaned: true });
    const gauges = (text: string): string[] =>
      samples(text, 'aidb_backup').filter(
        (line) => !line.startsWith('aidb_backup_runs_total') && !line.includes('free_bytes'),
      );
    expect(gauges(await prometheus.render())).toEqual(gauges(firstScrape));
  });

  it('shows a backup whose data file is gone or resized as missing, in `list` and in the metrics', async () => {
    const copy = await scratchDir('metrics-missing');
    await cp(dir, copy, { recursive: true });
    const part = manifest.parts[0]?.file ?? '';
    const env = {
      AIDB_PROFILE: 'external',
      DATABASE_URL: server.urlFor('source'),
      AIDB_BACKUP_REPOSITORY: copy,
      AIDB_BACKUP_IDENTITY: keys.identity,
      AIDB_LOG_LEVEL: 'warn',
    };
    const stateInList = async () =>
      (await runCli(['backup', 'list'], env)).stdout
        .split('\n')
        .find((line) => line.startsWith(manifest.id))
        ?.split(/\s{2,}/)[6];
    expect(await stateInList()).toBe('verified');

    await truncate(join(copy, part), 10);
    expect(await stateInList()).toBe('missing');
    await rm(join(copy, part));
    expect(await stateInList()).toBe('missing');

    const { prometheus, metrics } = agentMetrics();
    const { engine } = testEngine({ dir: copy, drivers: { postgres: driver() }, keys, metrics });
    const listing = await engine.refresh();
    expect(listing.missing.get(manifest.id)).toBe(`${part} is gone`);
    const stored = samples(await prometheus.render(), 'aidb_backups{');
    expect(stored).toEqual([
      'aidb_backups{target="postgres",state="failed"} 0',
      'aidb_backups{target="postgres",state="missing"} 1',
      'aidb_backups{target="postgres",state="unverified"} 0',
      'aidb_backups{target="postgres",state="verified"} 0',
    ]);
  });
});
