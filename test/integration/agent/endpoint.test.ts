import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../agent/jobs/job.ts';
import { generateKey, keyEntry } from '../../../lib/api-keys.ts';
import { agentKeyFile, readLocalKey } from '../../../lib/local-key.ts';
import { runCli } from '../../support/cli.ts';
import { startTestAgent, type TestAgent } from './harness.ts';

const yearly = '0 0 1 1 *';
const jobNames = ['backup', 'verify', 'prune', 'gc', 'certificates'] as const;

/** One stub job per agent job, counting its runs: a refused request must run nothing. */
function countingJobs(): { jobs: Job[]; runs: Map<string, number> } {
  const runs = new Map<string, number>(jobNames.map((name) => [name, 0]));
  const jobs = jobNames.map((name): Job => ({
    name,
    schedule: yearly,
    run: () => {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      return Promise.resolve();
    },
  }));
  return { jobs, runs };
}

const readKey = generateKey();
const adminKey = generateKey();
const keysEnv = {
  AIDB_AGENT_API_KEYS: `${keyEntry('prometheus', 'read', readKey)},${keyEntry('ops', 'admin', adminKey)}`,
};

function post(url: string, key: string | undefined, contentType = 'application/json') {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-request-id': 'req-42',
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
  });
}

function get(url: string, key?: string) {
  return fetch(url, {
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
}

describe('the agent endpoint with configured keys', () => {
  let agent: TestAgent;
  let runs: Map<string, number>;
  beforeAll(async () => {
    const counting = countingJobs();
    runs = counting.runs;
    agent = await startTestAgent(
      { agent: { defaultTargets: false } },
      { env: keysEnv, jobs: counting.jobs },
    );
  });
  afterAll(async () => {
    await agent.stop();
  });

  it.each(jobNames)(
    'runs %s only for the admin key: 401 without a key, 401 for a wrong one, 403 for a read key',
    async (job) => {
      const url = `${agent.url}/jobs/${job}/run`;
      const outcomes = [];
      for (const key of [undefined, 'aidb_not-a-configured-key', readKey]) {
        const response = await post(url, key);
        outcomes.push({
          status: response.status,
          type: response.headers.get('content-type'),
          challenge: response.headers.get('www-authenticate'),
          code: ((await response.json()) as { code: string }).code,
        });
      }
      expect(outcomes).toEqual([
        {
          status: 401,
          type: 'application/problem+json',
          challenge: 'Bearer realm="aidb-agent"',
          code: 'unauthorized',
        },
        {
          status: 401,
          type: 'application/problem+json',
          challenge: 'Bearer realm="aidb-agent", error="invalid_token"',
          code: 'invalid_api_key',
        },
        { status: 403, type: 'application/problem+json', challenge: null, code: 'forbidden' },
      ]);
      expect(runs.get(job)).toBe(0);
      const allowed = await post(url, adminKey);
      expect(allowed.status).toBe(200);
      expect(await allowed.json()).toMatchObject({ job, result: 'success' });
      expect(runs.get(job)).toBe(1);
    },
  );

  it('serves /metrics and /status to a read key only, and health to anyone', async () => {
    const statuses = async (path: string) =>
      Promise.all(
        [undefined, readKey, adminKey].map(
          async (k) => (await get(`${agent.url}${path}`, k)).status,
        ),
      );
    expect(await statuses('/metrics')).toEqual([401, 200, 200]);
    expect(await statuses('/status')).toEqual([401, 200, 200]);
    expect(await statuses('/health/live')).toEqual([200, 200, 200]);
    expect(await statuses('/health/ready')).toEqual([200, 200, 200]);
  });

  it('writes /status in snake_case, like the service API', async () => {
    const document: unknown = await (await get(`${agent.url}/status`, readKey)).json();
    const keys: string[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null)
        for (const [key, item] of Object.entries(value)) {
          keys.push(key);
          collect(item);
        }
    };
    collect(document);
    expect(keys).toContain('next_run_at');
    expect(keys.filter((key) => !/^[a-z0-9_]+$/.test(key))).toEqual([]);
  });

  it('answers errors as problem+json with a code, a detail, the path and the request id', async () => {
    const cases = [
      {
        send: () => get(`${agent.url}/nope`, readKey),
        status: 404,
        code: 'route_not_found',
        path: '/nope',
      },
      {
        send: () =>
          fetch(`${agent.url}/status`, { method: 'DELETE', headers: { 'x-request-id': 'req-42' } }),
        status: 405,
        code: 'method_not_allowed',
        path: '/status',
      },
      {
        send: () => post(`${agent.url}/jobs/nope/run`, adminKey),
        status: 404,
        code: 'unknown_job',
        path: '/jobs/nope/run',
      },
      {
        send: () => post(`${agent.url}/jobs/gc/run`, adminKey, 'text/plain'),
        status: 415,
        code: 'unsupported_media_type',
        path: '/jobs/gc/run',
      },
      {
        send: () => post(`${agent.url}/jobs/gc/run`, undefined),
        status: 401,
        code: 'unauthorized',
        path: '/jobs/gc/run',
      },
    ];
    for (const { send, status, code, path } of cases) {
      const response = await send();
      const body = (await response.json()) as Record<string, unknown>;
      const requestId = response.headers.get('x-request-id');
      expect(requestId, code).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
      expect({ status: response.status, type: response.headers.get('content-type'), body }).toEqual(
        {
          status,
          type: 'application/problem+json',
          body: {
            type: `urn:aidb:problem:${code}`,
            title: expect.any(String),
            status,
            code,
            detail: expect.stringMatching(/\S/),
            instance: path,
            request_id: requestId,
          },
        },
      );
    }
    const named = await post(`${agent.url}/jobs/gc/run`, undefined);
    expect(named.headers.get('x-request-id')).toBe('req-42');
    expect(((await named.json()) as { request_id: string }).request_id).toBe('req-42');
  });

  it('accepts application/json with a UTF-8 charset, as the service does', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"']) {
      const response = await post(`${agent.url}/jobs/gc/run`, adminKey, type);
      expect(response.status, type).toBe(200);
    }
    const latin = await post(
      `${agent.url}/jobs/gc/run`,
      adminKey,
      'application/json; charset=latin1',
    );
    expect(latin.status).toBe(415);
  });

  it('`aidb agent run-job` sends the key set by AIDB_AGENT_KEY_FILE and says when it is refused', async () => {
    const ok = await runCli(['agent', 'run-job', 'verify', '--url', agent.url], {
      AIDB_AGENT_KEY: adminKey,
    });
    expect({ code: ok.code, stdout: ok.stdout.replace(/[\d.]+ s/, 'N s') }).toEqual({
      code: 0,
      stdout: 'verify success in N s\n',
    });
    const refused = await runCli(['agent', 'run-job', 'verify', '--url', agent.url], {
      AIDB_AGENT_KEY: readKey,
    });
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 1,
      stderr:
        'aidb: agent run-job: the agent refused the key (403 forbidden: the API key lacks the admin scope this route needs); set AIDB_AGENT_KEY or AIDB_AGENT_KEY_FILE to an admin key of agent.apiKeys\n',
    });
  });
});

describe('the agent endpoint with no keys configured', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent(
      { agent: { defaultTargets: false } },
      { jobs: countingJobs().jobs },
    );
  });
  afterAll(async () => {
    await agent.stop();
  });

  it('makes its own admin key in the data directory, readable by its owner only', async () => {
    const key = readLocalKey(agent.dataDir, agentKeyFile);
    expect(key).toMatch(/^aidb_[A-Za-z0-9_-]{43}$/);
    expect((await stat(join(agent.dataDir, agentKeyFile))).mode & 0o777).toBe(0o600);
    expect((await post(`${agent.url}/jobs/gc/run`, undefined)).status).toBe(401);
    expect((await post(`${agent.url}/jobs/gc/run`, key)).status).toBe(200);
    expect((await get(`${agent.url}/metrics`, key)).status).toBe(200);
  });

  it('`aidb agent run-job` finds the local key through the data directory', async () => {
    const ok = await runCli(['agent', 'run-job', 'prune', '--url', agent.url], {
      AIDB_DATA_DIR: agent.dataDir,
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^prune success in [\d.]+ s\n$/);
  });
});

describe('the agent endpoint with reads open (auth.readsRequireKey false)', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent(
      { agent: { defaultTargets: false } },
      { env: { ...keysEnv, AIDB_READS_REQUIRE_KEY: 'false' }, jobs: countingJobs().jobs },
    );
  });
  afterAll(async () => {
    await agent.stop();
  });

  it('serves /status without a key, but still wants one for /metrics and for jobs', async () => {
    expect((await get(`${agent.url}/status`)).status).toBe(200);
    expect((await get(`${agent.url}/metrics`)).status).toBe(401);
    expect((await post(`${agent.url}/jobs/gc/run`, undefined)).status).toBe(401);
    expect((await post(`${agent.url}/jobs/gc/run`, readKey)).status).toBe(403);
  });
});
