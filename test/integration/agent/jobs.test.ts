import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../agent/jobs/job.ts';
import { runCli } from '../../support/cli.ts';
import { waitFor } from '../../support/wait.ts';
import { startTestAgent, valueOf, type TestAgent } from './harness.ts';
import { startServiceStub } from './stubs.ts';

let agent: TestAgent | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

const yearly = '0 0 1 1 *';
const runJob = async (running: TestAgent, name: string) =>
  (await running.runJob(name).then((r) => r.json())) as { result: string; error: string | null };

describe('the job scheduler', () => {
  it('counts a trigger that finds its job still running as skipped, never running it twice', async () => {
    let release: () => void = () => undefined;
    let started = 0;
    const job: Job = {
      name: 'verify',
      schedule: yearly,
      run: () => {
        started++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    };
    agent = await startTestAgent({ agent: { defaultTargets: false } }, { jobs: [job] });
    const first = runJob(agent, 'verify');
    await waitFor('the job to start', () => started === 1);
    expect(await runJob(agent, 'verify')).toMatchObject({ result: 'skipped' });
    release();
    expect(await first).toMatchObject({ result: 'success', error: null });
    const text = await agent.scrape();
    expect(
      ['success', 'failure', 'skipped'].map((result) =>
        valueOf(text, 'aidb_agent_job_runs_total', { job_name: 'verify', result }),
      ),
    ).toEqual([1, 0, 1]);
    expect(started).toBe(1);
  });

  it('runs once at start a job that came due while the agent was down, and remembers it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aidb-agent-state-'));
    mkdirSync(join(dataDir, 'agent'));
    const twoYearsAgo = Date.now() - 2 * 366 * 86_400_000;
    writeFileSync(
      join(dataDir, 'agent', 'job-state.json'),
      JSON.stringify({
        version: 1,
        jobs: {
          prune: {
            lastRunMs: twoYearsAgo,
            lastDurationSeconds: 1,
            lastResult: 'success',
            lastSuccessMs: twoYearsAgo,
          },
          certificates: { lastRunMs: Date.now(), lastDurationSeconds: 1, lastResult: 'success' },
        },
      }),
    );
    const runs = { prune: 0, certificates: 0 };
    const jobs: Job[] = (['prune', 'certificates'] as const).map((name) => ({
      name,
      schedule: yearly,
      run: () => {
        runs[name]++;
        return Promise.resolve();
      },
    }));
    agent = await startTestAgent({ agent: { defaultTargets: false } }, { jobs, dataDir });
    const stateFile = join(dataDir, 'agent', 'job-state.json');
    const saved = () =>
      JSON.parse(readFileSync(stateFile, 'utf8')) as {
        jobs: { prune: { lastRunMs: number; lastResult: string } };
      };
    await waitFor(
      'the missed prune run to be saved',
      () => saved().jobs.prune.lastRunMs > twoYearsAgo,
    );
    expect(runs).toEqual({ prune: 1, certificates: 0 });
    expect(saved().jobs.prune.lastResult).toBe('success');
    const text = await agent.scrape();
    expect(
      valueOf(text, 'aidb_agent_job_last_success_timestamp_seconds', { job_name: 'certificates' }),
    ).toBe(undefined);
    expect(valueOf(text, 'aidb_agent_job_next_run_timestamp_seconds', { job_name: 'prune' })).toBe(
      Date.UTC(new Date().getUTCFullYear() + 1, 0, 1) / 1000,
    );
  });

  it('reports a failing gc with the service’s problem code, keeping the last success', async () => {
    const service = await startServiceStub();
    try {
      agent = await startTestAgent(
        { agent: { defaultTargets: false } },
        { env: { AIDB_AGENT_SERVICE_URL: service.url, AIDB_AGENT_ADMIN_KEY: 'k' } },
      );
      expect(await runJob(agent, 'gc')).toMatchObject({ result: 'success' });
      service.gc({ status: 503 });
      expect(await runJob(agent, 'gc')).toMatchObject({
        result: 'failure',
        error: 'gc: service answered 503',
      });
      const status = await agent.status();
      const gc = status.jobs.find((j) => j.name === 'gc');
      expect(gc?.last_run?.result).toBe('failure');
      expect(gc?.last_success_at).not.toBeNull();
    } finally {
      await service.close();
    }
  });

  it('`aidb agent run-job` asks the running agent and exits 1 when the job fails', async () => {
    const service = await startServiceStub();
    try {
      agent = await startTestAgent(
        { agent: { defaultTargets: false } },
        { env: { AIDB_AGENT_SERVICE_URL: service.url, AIDB_AGENT_ADMIN_KEY: 'k' } },
      );
      const ok = await runCli(['agent', 'run-job', 'gc', '--url', agent.url], {
        AIDB_DATA_DIR: agent.dataDir,
      });
      expect({ code: ok.code, stdout: ok.stdout.replace(/[\d.]+ s/, 'N s') }).toEqual({
        code: 0,
        stdout: 'gc success in N s\n',
      });
      service.gc({ status: 500 });
      const failed = await runCli(['agent', 'run-job', 'gc', '--url', agent.url], {
        AIDB_DATA_DIR: agent.dataDir,
      });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('gc failure in');
      const unknown = await runCli(['agent', 'run-job', 'backup', '--url', agent.url], {
        AIDB_DATA_DIR: agent.dataDir,
      });
      expect(unknown).toMatchObject({ code: 2 });
      expect(unknown.stderr).toContain('no job backup is configured in the running agent');
    } finally {
      await service.close();
    }
  });
});
