import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationContext } from '../../config/generation.ts';
import { ruleFamilies } from '../../alerts/families/index.ts';
import { ruleSelectors } from '../../alerts/live.ts';
import { alertFiles } from '../../alerts/output.ts';
import { runbookCommandArgs } from '../../alerts/runbook-commands.ts';
import { dashboardSpecs } from '../../dashboards/all.ts';
import { jobsOf, panelQueries } from '../../dashboards/live.ts';
import { makeCertificate } from '../support/certificates.ts';
import { runCli } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';
import { startLiveStack, jobs, type LiveStack } from './live-stack.ts';
import { reviewedEmptyPanels, reviewedEmptySelectors } from './reviewed.ts';
import {
  createClient,
  driveClientErrors,
  driveMaintenance,
  driveRateLimited,
  driveSuccess,
  driveUnauthorized,
  type Client,
} from './traffic.ts';

interface VectorResult {
  readonly resultType: string;
  readonly result: readonly { metric: Record<string, string> }[];
}

interface AlertmanagerAlert {
  readonly labels: Record<string, string>;
  readonly status: { state: string; inhibitedBy: string[] };
}

const yearly = '0 0 1 1 *';

let stack: LiveStack;
let client: Client;
let closeStack = (): Promise<void> => Promise.resolve();

async function seriesCount(expr: string): Promise<number> {
  const data = (await stack.prometheus.query(expr)) as VectorResult;
  return data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.length : 1;
}

async function alertmanagerAlert(name: string): Promise<AlertmanagerAlert | undefined> {
  const alerts = (await stack.alertmanager.alerts()) as AlertmanagerAlert[];
  return alerts.find((a) => a.labels.alertname === name);
}

/** Keeps searching while waiting, so the breaker sees failing calls during the outage. */
async function waitWhileSearching(what: string, check: () => Promise<boolean>): Promise<void> {
  await waitFor(
    what,
    async () => {
      await client.request('POST', '/v1/collections/notes/search', { body: { query: 'tea' } });
      return check();
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

/** An HTTPS endpoint with a certificate valid for 30 more days, for the agent's TLS probe. */
async function startTlsEndpoint() {
  const day = 86_400_000;
  const cert = await makeCertificate(new Date(Date.now() - day), new Date(Date.now() + 30 * day));
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (_q, r) => r.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const target = {
    name: 'tls-endpoint',
    probe: 'tls',
    options: {
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      serverName: 'localhost',
      caFile: cert.certPath,
    },
  };
  return {
    target,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

beforeAll(async () => {
  const tls = await startTlsEndpoint();
  closeStack = tls.close;
  stack = await startLiveStack({
    serviceEnv: {
      AIDB_BREAKER_VOLUME_THRESHOLD: '2',
      AIDB_BREAKER_RESET_MS: '2000',
      AIDB_DATABASE_CONNECT_TIMEOUT_MS: '500',
      AIDB_HEALTH_CHECK_TIMEOUT_MS: '500',
      AIDB_RATE_LIMIT_SEARCH_PER_MINUTE: '30',
    },
    agent: ({ closedPort }) => ({
      agent: {
        probeDefaults: { intervalMs: 1000, timeoutMs: 800, failureThreshold: 2 },
        // Garbage collection every 2 s puts the agent's job metrics on the probes dashboard.
        jobs: { gc: { schedule: '*/2 * * * * *' } },
        targets: [
          { name: 'closed-port', probe: 'tcp', options: { host: '127.0.0.1', port: closedPort } },
          tls.target,
        ],
      },
      // The scheduler never runs backups by itself (yearly); the test runs each job once, and the
      // generator is told backups run every 5 s, so the one backup turns stale within seconds.
      backups: {
        schedule: yearly,
        qdrantSchedule: yearly,
        verifySchedule: yearly,
        pruneSchedule: yearly,
      },
    }),
  });
  closeStack = async () => {
    await stack.close();
    await tls.close();
  };
  client = createClient(stack.service.url, stack.adminKey);
  expect(await driveSuccess(client)).not.toContain(500);
  expect(await driveClientErrors(client)).not.toContain(500);
  expect(await driveUnauthorized(client)).toEqual([401, 401, 401]);
  const limited = await driveRateLimited(client, 40);
  expect(limited).not.toContain(500);
  expect(limited).toContain(429);
  expect(await driveMaintenance(client)).toEqual([200, 200]);
  for (const job of ['backup', 'backup-qdrant', 'verify', 'prune']) {
    const run = await runCli(
      ['agent', 'run-job', job, '--url', stack.agent.url],
      { AIDB_AGENT_KEY: stack.adminKey },
      120_000,
    );
    expect(run, stack.output()).toMatchObject({ code: 0 });
  }
});

afterAll(async () => {
  await closeStack();
});

describe('issue 9 live: the generated rules and Alertmanager config on a loopback stack', () => {
  it('pages for PostgreSQL down, inhibits its breaker alert, and sends resolved when it is back', async () => {
    const postgresDown = 'AidbDependencyPostgresDown';
    const breakerOpen = 'AidbDependencyBreakerOpen';
    await stack.backends.postgres?.stop();
    await waitWhileSearching(`${postgresDown} to reach the page receiver`, () =>
      Promise.resolve(
        stack.webhook
          .alertsNamed(postgresDown)
          .some((n) => n.path === '/page' && n.alert.status === 'firing'),
      ),
    );
    await waitWhileSearching(`${breakerOpen} to be held as inhibited`, async () => {
      const breaker = await alertmanagerAlert(breakerOpen);
      return breaker?.status.state === 'suppressed' && breaker.status.inhibitedBy.length > 0;
    });
    expect(stack.webhook.alertsNamed(breakerOpen)).toEqual([]);
    const [firing] = stack.webhook.alertsNamed(postgresDown);
    expect(firing?.alert.labels).toMatchObject({
      job: jobs.serviceJob,
      dependency: 'postgres',
      severity: 'critical',
    });
    expect(firing?.alert.annotations.runbook_url).toMatch(/\/dependencies\.md#/);

    await stack.backends.postgres?.start();
    await waitFor(
      `${postgresDown} resolved notification`,
      () =>
        stack.webhook
          .alertsNamed(postgresDown)
          .some((n) => n.path === '/page' && n.alert.status === 'resolved'),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });

  it('fires the stale-backup alert once the one backup is older than the schedule allows', async () => {
    await waitFor(
      'AidbBackupStale to reach the ticket receiver',
      () =>
        stack.webhook
          .alertsNamed('AidbBackupStale')
          .some(
            (n) =>
              n.path === '/ticket' &&
              n.alert.status === 'firing' &&
              n.alert.labels.target === 'postgres',
          ),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });

  it('shows every rule healthy with no evaluation failures', async () => {
    const response = await fetch(`${stack.prometheus.url}/api/v1/rules`);
    const body = (await response.json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const rules = body.data.groups.flatMap((g) => g.rules);
    const expected = ruleFamilies(generationContext(stack.generateConfig)).flatMap((f) =>
      f.groups.flatMap((g) => g.rules.map((r) => (r.kind === 'alert' ? r.name : r.series.name))),
    );
    expect(new Set(rules.map((r) => r.name))).toEqual(new Set(expected));
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
    expect(await stack.prometheus.query('sum(prometheus_rule_evaluation_failures_total)')).toEqual(
      expect.objectContaining({
        result: [expect.objectContaining({ value: [expect.any(Number), '0'] })],
      }),
    );
  });
});

describe('issue 8 live: every panel query returns data after traffic', () => {
  it('returns at least one series for every panel not reviewed as empty', async () => {
    const queries = panelQueries(
      dashboardSpecs(generationContext(stack.generateConfig)),
      (spec) => ({
        job: jobsOf(spec, jobs),
      }),
    );
    const empty: string[] = [];
    for (const query of queries) {
      if (query.emptyByDesign !== undefined) continue;
      if ((await seriesCount(query.expr)) === 0)
        empty.push(`${query.dashboard}: ${query.panel} ${query.refId}`);
    }
    expect(empty).toEqual(Object.keys(reviewedEmptyPanels));
  });
});

describe('issue 9 live: every rule selector returns series after traffic', () => {
  it('returns series for every selector not absent by design or reviewed', async () => {
    const selectors = ruleSelectors(ruleFamilies(generationContext(stack.generateConfig)));
    const empty = new Set<string>();
    for (const selector of selectors) {
      if (selector.absentByDesign !== undefined) continue;
      if ((await seriesCount(selector.selector)) === 0) empty.add(selector.selector);
    }
    expect([...empty]).toEqual(Object.keys(reviewedEmptySelectors));
  });
});

describe('issue 18 live: the read-only commands of the runbooks run as written', () => {
  /** Commands that only look: they may run on a page at any time without changing anything. */
  const readOnly =
    /^(agent status|agent probe|backup list|backup verify|backup prune --dry-run|health)\b/;

  it('answers every status, list, probe and verify command of the runbooks with 0 or a finding', async () => {
    const list = await runCli(['backup', 'list', '--json'], { ...stack.operatorEnv });
    expect(list, list.stderr).toMatchObject({ code: 0 });
    const newest = (JSON.parse(list.stdout) as { id: string }[]).at(-1)?.id ?? '';
    const fill = (args: string) =>
      args
        .replace('<id>', newest)
        .replace('<dependency>', 'postgres')
        .replace('<target>', 'service-ready')
        .split(' ');
    const commands = [
      ...new Set(
        alertFiles(stack.generateConfig)
          .filter((f) => f.path.startsWith('runbooks/'))
          .flatMap((f) => runbookCommandArgs(f.content))
          .filter((args) => readOnly.test(args)),
      ),
    ];
    expect(commands).toEqual(expect.arrayContaining(['agent status', 'backup list']));
    // `agent status` exits 1 by design here: the stack keeps a closed port among its targets.
    const expectedCode = (args: string) => (args === 'agent status' ? 1 : 0);
    const results = [];
    for (const args of commands) {
      const run = await runCli(fill(args), { ...stack.operatorEnv }, 120_000);
      const as = run.code === expectedCode(args) && run.stdout !== '';
      results.push({ args, code: run.code, out: as ? 'output' : `${run.stdout}${run.stderr}` });
    }
    const expected = commands.map((args) => ({ args, code: expectedCode(args), out: 'output' }));
    expect(results, stack.output()).toEqual(expected);
  });
});
