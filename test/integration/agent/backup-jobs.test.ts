import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backupMetrics, backupPruneBlocked } from '../../../catalog/metrics/backups.ts';
import { prometheusTypeOf } from '../../../catalog/types.ts';
import { runCli } from '../../support/cli.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import {
  generateKeys,
  pgBin,
  scratchDir,
  seedServiceDatabase,
  type Keys,
} from '../backups/fixtures.ts';
import { parseExposition, startTestAgent, valueOf, type TestAgent } from './harness.ts';

const yearly = '0 0 1 1 *';

describe('the agent’s backup, verify and prune jobs', () => {
  let server: PostgresServer;
  let keys: Keys;
  let repository: string;
  let agent: TestAgent | undefined;

  /** An agent backing up `database` of the private server into the shared repository. */
  const startAgent = (database: string) =>
    startTestAgent(
      {
        profile: 'external',
        agent: { defaultTargets: false },
        backups: {
          repository,
          postgresBinDir: pgBin,
          schedule: yearly,
          verifySchedule: yearly,
          pruneSchedule: yearly,
        },
      },
      { env: { DATABASE_URL: server.urlFor(database), AIDB_BACKUP_IDENTITY: keys.identity } },
    );

  const runJob = async (job: string) => {
    if (agent === undefined) throw new Error('no agent');
    const { code, stdout, stderr } = await runCli(['agent', 'run-job', job, '--url', agent.url], {
      AIDB_DATA_DIR: agent.dataDir,
    });
    return { code, stdout: stdout.replace(/ in [\d.]+ s/, ' in N s'), stderr };
  };
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    valueOf(await (agent as TestAgent).scrape(), name, { target: 'postgres', ...labels });

  beforeAll(async () => {
    server = await startPostgres();
    await seedServiceDatabase(await server.createDatabase('source'), {
      collections: 1,
      documents: 10,
      chunks: 1,
    });
    keys = await generateKeys();
    repository = await scratchDir('agent-backups');
  });

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
  });

  afterAll(async () => {
    await server.close();
  });

  it('runs backup, verify and prune on request and exports their outcome', async () => {
    agent = await startAgent('source');
    expect(await metric('aidb_backup_consecutive_failures')).toBe(0);

    const before = Date.now() / 1000;
    expect(await runJob('backup')).toEqual({
      code: 0,
      stdout: 'backup success in N s\n',
      stderr: '',
    });
    expect(await runJob('verify')).toMatchObject({ code: 0, stdout: 'verify success in N s\n' });
    expect(await runJob('prune')).toMatchObject({ code: 0, stdout: 'prune success in N s\n' });

    const text = await agent.scrape();
    const value = (name: string, labels: Record<string, string> = {}) =>
      valueOf(text, name, { target: 'postgres', ...labels });
    expect({
      runs: value('aidb_backup_runs_total', { result: 'success', reason: 'none' }),
      lastRunOk: value('aidb_backup_last_run_ok'),
      consecutive: value('aidb_backup_consecutive_failures'),
      verifiedLevel2: value('aidb_backup_verification_ok', { level: '2' }),
      stored: value('aidb_backups', { state: 'verified' }),
      jobRuns: ['backup', 'verify', 'prune'].map((job_name) =>
        valueOf(text, 'aidb_agent_job_runs_total', { job_name, result: 'success' }),
      ),
    }).toEqual({
      runs: 1,
      lastRunOk: 1,
      consecutive: 0,
      verifiedLevel2: 1,
      stored: 1,
      jobRuns: [1, 1, 1],
    });
    expect(value('aidb_backup_last_attempt_timestamp_seconds')).toBeGreaterThanOrEqual(
      Math.floor(before),
    );
    // Every backup entry of the catalog, but the counter of prunes that retention held back:
    // nothing was held back, and its reason label has no neutral value to start it at 0.
    const { samples, types } = parseExposition(text);
    const expected = backupMetrics.filter((def) => def !== backupPruneBlocked);
    expect(
      expected.map((def) => ({
        name: def.name,
        type: types.get(def.name),
        exported: samples.some((s) => s.name === def.name),
      })),
    ).toEqual(
      expected.map((def) => ({ name: def.name, type: prometheusTypeOf[def.kind], exported: true })),
    );
    expect(value('aidb_backup_last_success_timestamp_seconds')).toBeGreaterThanOrEqual(
      value('aidb_backup_last_attempt_timestamp_seconds') ?? Infinity,
    );
  });

  it('exports failed runs as failures, counts the streak and keeps the last success', async () => {
    // Same repository, a database that does not exist: pg_dump fails before writing anything.
    agent = await startAgent('missing');
    const lastSuccess = await metric('aidb_backup_last_success_timestamp_seconds');
    expect(lastSuccess).toBeGreaterThan(0);
    expect(await metric('aidb_backup_last_run_ok')).toBe(1);

    const first = await runJob('backup');
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^backup failure in N s: backup failed: postgres \(\w+\): /);
    expect(await metric('aidb_backup_consecutive_failures')).toBe(1);
    expect((await runJob('backup')).code).toBe(1);

    const text = await agent.scrape();
    const value = (name: string) => valueOf(text, name, { target: 'postgres' });
    expect({
      consecutive: value('aidb_backup_consecutive_failures'),
      lastRunOk: value('aidb_backup_last_run_ok'),
      lastSuccess: value('aidb_backup_last_success_timestamp_seconds'),
      inProgress: value('aidb_backup_in_progress'),
      jobFailures: valueOf(text, 'aidb_agent_job_runs_total', {
        job_name: 'backup',
        result: 'failure',
      }),
    }).toEqual({ consecutive: 2, lastRunOk: 0, lastSuccess, inProgress: 0, jobFailures: 2 });
    expect(value('aidb_backup_last_attempt_timestamp_seconds')).toBeGreaterThan(lastSuccess ?? 0);
  });
});
