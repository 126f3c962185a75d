import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';
import { freePort } from '../../support/ports.ts';
import { waitFor } from '../../support/wait.ts';
import { startTestAgent, type TestAgent } from './harness.ts';
import { startServiceStub, type ServiceStub } from './stubs.ts';

let service: ServiceStub;
let agent: TestAgent;
let closedPort: number;

beforeAll(async () => {
  service = await startServiceStub();
  service.set('/health/startup', 'unavailable');
  closedPort = await freePort();
  agent = await startTestAgent(
    {
      agent: {
        probeDefaults: { intervalMs: 300, timeoutMs: 300, failureThreshold: 1 },
        targets: [
          { name: 'closed', probe: 'tcp', options: { host: '127.0.0.1', port: closedPort } },
        ],
      },
    },
    { env: { AIDB_AGENT_SERVICE_URL: service.url } },
  );
  await waitFor('every target to have a state', async () => {
    const status = await agent.status();
    return status.targets.every((t) => t.state !== 'unknown');
  });
});

afterAll(async () => {
  await agent.stop();
  await service.close();
});

describe('aidb agent status and probe', () => {
  it('`status` prints every target and job and exits 1 naming the targets that are down', async () => {
    const { code, stdout, stderr } = await runCli(['agent', 'status', '--url', agent.url], {
      AIDB_DATA_DIR: agent.dataDir,
    });
    const rows = stdout
      .split('\n')
      .slice(0, 4)
      .map((line) => line.split(/\s{2,}/).slice(0, 5));
    expect({ code, rows, stderr }).toEqual({
      code: 1,
      rows: [
        ['TARGET', 'PROBE', 'DEPENDENCY', 'STATE', 'FAILURES'],
        ['service-live', 'http', 'service', 'up', '0'],
        ['service-ready', 'http', 'service', 'up', '0'],
        ['service-startup', 'http', 'service', 'down', rows[3]?.[4] ?? ''],
      ],
      stderr: 'aidb agent status: down: service-startup, closed\n',
    });
    expect(stdout).toContain('unexpected_status: http: status 503, expected 2xx');
    // The error's own text, not only its reason code.
    expect(stdout).toMatch(
      new RegExp(`^closed .*ECONNREFUSED 127\\.0\\.0\\.1:${String(closedPort)}$`, 'm'),
    );
  });

  it('`status --json` prints the /status document: targets, jobs and certificates', async () => {
    const { code, stdout } = await runCli(['agent', 'status', '--url', agent.url, '--json'], {
      AIDB_DATA_DIR: agent.dataDir,
    });
    expect(code).toBe(1);
    const status = JSON.parse(stdout) as { targets: { name: string }[] };
    expect(Object.keys(status).sort()).toEqual(['certificates', 'jobs', 'targets']);
    expect(status.targets.map((t) => t.name)).toEqual([
      'service-live',
      'service-ready',
      'service-startup',
      'closed',
    ]);
  });

  it('`status` exits 1 with a clear message when no agent answers', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, stderr } = await runCli(['agent', 'status', '--url', url]);
    expect({ code, stderr }).toEqual({
      code: 1,
      stderr: `aidb: agent: cannot reach ${url}/status (ECONNREFUSED); is \`aidb agent\` running?\n`,
    });
  });

  it('`probe` runs one probe now and shows its phases and status code', async () => {
    const { code, stdout } = await runCli(['agent', 'probe', 'service-ready'], {
      AIDB_AGENT_SERVICE_URL: service.url,
    });
    expect(code).toBe(0);
    const labels = stdout.split('\n').map((line) => line.split(/\s{2,}/)[0]);
    expect(labels).toEqual([
      'target',
      'result',
      'phase resolve',
      'phase connect',
      'phase tls',
      'phase processing',
      'phase transfer',
      'probe_http_status_code',
      '',
    ]);
    expect(stdout).toMatch(/^result +success in \d+\.\d ms$/m);
    expect(stdout).toMatch(/^probe_http_status_code +200$/m);
  });

  it('`probe --json` prints the outcome, phases and values', async () => {
    const { code, stdout } = await runCli(['agent', 'probe', 'service-ready', '--json'], {
      AIDB_AGENT_SERVICE_URL: service.url,
    });
    expect(code).toBe(0);
    const probe = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(probe)).toEqual([
      'target',
      'probe',
      'dependency',
      'success',
      'duration_seconds',
      'reason',
      'error',
      'phases',
      'values',
    ]);
    expect(probe).toMatchObject({
      target: 'service-ready',
      success: true,
      reason: null,
      values: { probe_http_status_code: 200 },
    });
  });

  it('`probe` exits 1 on a failing target and 2 on an unknown one', async () => {
    const env = { AIDB_AGENT_SERVICE_URL: service.url };
    const failing = await runCli(['agent', 'probe', 'service-startup'], env);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(
      /^result +failure in [\d.]+ ms: unexpected_status: http: status 503, expected 2xx$/m,
    );
    const unknown = await runCli(['agent', 'probe', 'nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'aidb: agent probe: no target nope (targets: service-live, service-ready, service-startup)\n',
    );
  });

  it('`probe postgres` on the embedded default probes the service readiness that includes it', async () => {
    const { code, stdout, stderr } = await runCli(['agent', 'probe', 'postgres'], {
      AIDB_AGENT_SERVICE_URL: service.url,
    });
    expect({ code, stderr }).toEqual({
      code: 0,
      stderr:
        'aidb agent probe: postgres has no probe of its own in this configuration (embedded in the service, or reached only through it); probing service-ready, whose answer includes it\n',
    });
    expect(stdout).toMatch(/^target +service-ready\b/m);
  });
});
