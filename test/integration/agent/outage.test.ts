import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';
import { startTestAgent, valueOf, type TestAgent } from './harness.ts';
import { startServiceStub, type ServiceStub } from './stubs.ts';

let postgres: PostgresServer;
let service: ServiceStub;
let agent: TestAgent;

const failureThreshold = 3;
const watched = ['postgres', 'service-ready'] as const;

/** A readiness check as the service will do it: PostgreSQL answers `select 1`. */
async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 300 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  postgres = await startPostgres();
  service = await startServiceStub();
  service.readiness(() => postgresAnswers(postgres.url));
  agent = await startTestAgent(
    {
      agent: {
        probeDefaults: { intervalMs: 400, timeoutMs: 400, failureThreshold, successThreshold: 1 },
      },
    },
    {
      env: {
        AIDB_PROFILE: 'external',
        DATABASE_URL: postgres.url,
        AIDB_AGENT_SERVICE_URL: service.url,
      },
    },
  );
});

afterAll(async () => {
  await agent.stop();
  await service.close();
  await postgres.close();
});

interface Observation {
  readonly failures: number | undefined;
  readonly state: number | undefined;
}

async function observe(target: string): Promise<Observation> {
  const text = await agent.scrape();
  return {
    failures: valueOf(text, 'aidb_agent_probe_consecutive_failures', { target }),
    state: valueOf(text, 'aidb_agent_probe_state', { target }),
  };
}

/** Scrapes until every watched target has the state, keeping every observation made. */
async function watchUntil(state: number): Promise<Map<string, Observation[]>> {
  const seen = new Map<string, Observation[]>(watched.map((t) => [t, []]));
  await waitFor(
    `${watched.join(' and ')} to reach state ${state}`,
    async () => {
      const now = await Promise.all(watched.map((t) => observe(t)));
      now.forEach((o, i) => seen.get(watched[i] ?? '')?.push(o));
      return now.every((o) => o.state === state);
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  return seen;
}

describe('a PostgreSQL outage seen through the agent’s /metrics', () => {
  it('starts with PostgreSQL and the service readiness up', async () => {
    await watchUntil(1);
    const text = await agent.scrape();
    expect(watched.map((target) => valueOf(text, 'probe_success', { target }))).toEqual([1, 1]);
  });

  it('turns both down only after failureThreshold consecutive failures', async () => {
    await postgres.stop();
    const seen = await watchUntil(0);
    for (const target of watched) {
      const observations = seen.get(target) ?? [];
      // Kubernetes semantics: up while fewer than failureThreshold probes failed, down after.
      const wrong = observations.filter(
        (o) =>
          o.failures !== undefined &&
          (o.failures < failureThreshold ? o.state !== 1 : o.state !== 0),
      );
      expect({ target, wrong }).toEqual({ target, wrong: [] });
      expect(observations.some((o) => o.failures === 1 && o.state === 1)).toBe(true);
    }
    const text = await agent.scrape();
    expect(watched.map((target) => valueOf(text, 'probe_success', { target }))).toEqual([0, 0]);
    expect(valueOf(text, 'probe_http_status_code', { target: 'service-ready' })).toBe(503);
    const failures = watched.map((target) =>
      valueOf(text, 'aidb_agent_probe_consecutive_failures', { target }),
    );
    expect(failures.every((f) => f !== undefined && f >= failureThreshold)).toBe(true);
  });

  it('turns both up again after PostgreSQL restarts, with the transition time exported', async () => {
    const before = valueOf(
      await agent.scrape(),
      'aidb_agent_probe_last_transition_timestamp_seconds',
      {
        target: 'postgres',
      },
    );
    await postgres.start();
    await watchUntil(1);
    const text = await agent.scrape();
    expect(watched.map((target) => valueOf(text, 'probe_success', { target }))).toEqual([1, 1]);
    expect(
      watched.map((target) => valueOf(text, 'aidb_agent_probe_consecutive_failures', { target })),
    ).toEqual([0, 0]);
    const after = valueOf(text, 'aidb_agent_probe_last_transition_timestamp_seconds', {
      target: 'postgres',
    });
    expect(after).toBeGreaterThan(before ?? Infinity);
  });
});
