import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobOutcome } from '../../agent/scheduler.ts';
import { startTestAgent, valueOf, type TestAgent } from '../integration/agent/harness.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { servedCertificate } from '../support/tls-client.ts';
import { waitFor } from '../support/wait.ts';

let dir: string;
let pebble: Pebble;
let agent: TestAgent;
let service: TestService | undefined;
let certFile: string;
let keyFile: string;
let hookOutput: string;

function started(): TestService {
  if (service === undefined) throw new Error('the HTTPS service did not start');
  return service;
}

async function runJob(): Promise<JobOutcome> {
  const response = await agent.runJob('certificates');
  expect(response.status).toBe(200);
  return (await response.json()) as JobOutcome;
}

const fingerprintOf = async (path: string): Promise<string> =>
  new X509Certificate(await readFile(path)).fingerprint256;

async function metric(name: string, labels: Record<string, string>): Promise<number | undefined> {
  return valueOf(await agent.scrape(), name, labels);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidb-acme-'));
  certFile = join(dir, 'tls', 'cert.pem');
  keyFile = join(dir, 'tls', 'key.pem');
  hookOutput = join(dir, 'hook-ran');
  const challengePort = await freePort();
  pebble = await startPebble({ httpPort: challengePort });
  agent = await startTestAgent({
    agent: {
      defaultTargets: false,
      jobs: {
        certificates: {
          // Never due during the test: runs are triggered through the agent's endpoint.
          schedule: '0 0 1 1 *',
          directoryUrl: pebble.directoryUrl,
          directoryCaFile: pebble.listenerCaFile,
          termsOfServiceAgreed: true,
          email: 'ops@example.org',
          challenge: { host: '127.0.0.1', port: challengePort },
          // 1 renews on every run: the forced renewal of the issue.
          renewBeforeFraction: 1,
          backoffMinMs: 1,
          backoffMaxMs: 2,
          hook: ['sh', '-c', `echo "$AIDB_CERT_DOMAIN" >> ${hookOutput}`],
          certificates: [{ domains: ['localhost'], certFile, keyFile }],
        },
      },
    },
  });
});

afterAll(async () => {
  await service?.stop();
  await agent.stop();
  await pebble.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ACME certificates from a real ACME server (pebble)', () => {
  it('registers, answers HTTP-01 and writes the certificate and key safely', async () => {
    const outcome = await runJob();
    expect(outcome.error).toBeNull();
    expect(outcome.result).toBe('success');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(agent.dataDir, 'agent', 'acme-account.key'))).mode & 0o777).toBe(0o600);
    const leaf = new X509Certificate(await readFile(certFile));
    expect(leaf.subjectAltName).toContain('DNS:localhost');
    expect(
      await metric('aidb_certificate_renewals_total', { domain: 'localhost', result: 'success' }),
    ).toBe(1);
    expect(
      await metric('aidb_certificate_not_after_timestamp_seconds', {
        domain: 'localhost',
        file: certFile,
      }),
    ).toBe(Math.floor(Date.parse(leaf.validTo) / 1000));
    expect(
      await metric('aidb_certificate_hook_runs_total', { domain: 'localhost', result: 'success' }),
    ).toBe(1);
    expect(await readFile(hookOutput, 'utf8')).toBe('localhost\n');
  });

  it('is served by the service over HTTPS and verifies against pebble’s root', async () => {
    service = await startTestService({
      env: {
        AIDB_TLS_CERT_FILE: certFile,
        AIDB_TLS_KEY_FILE: keyFile,
        AIDB_TLS_WATCH_INTERVAL_MS: '50',
      },
    });
    const served = await servedCertificate(service.url, await pebble.issuingRoot());
    expect(served.fingerprint256).toBe(await fingerprintOf(certFile));
  });

  it('replaces the served certificate on a forced renewal without restarting the service', async () => {
    const running = started();
    const before = await fingerprintOf(certFile);
    expect((await runJob()).result).toBe('success');
    const after = await fingerprintOf(certFile);
    expect(after).not.toBe(before);
    const root = await pebble.issuingRoot();
    await waitFor('the service to serve the renewed certificate', async () => {
      return (await servedCertificate(running.url, root)).fingerprint256 === after;
    });
    expect(
      await metric('aidb_certificate_renewals_total', { domain: 'localhost', result: 'success' }),
    ).toBe(2);
  });

  it('exports an unreachable ACME server as a failure and keeps the old certificate', async () => {
    const running = started();
    const kept = await fingerprintOf(certFile);
    const root = await pebble.issuingRoot();
    await pebble.process.stop();
    const outcome = await runJob();
    expect(outcome.result).toBe('failure');
    expect(outcome.error).toMatch(/localhost/);
    expect(await fingerprintOf(certFile)).toBe(kept);
    expect((await servedCertificate(running.url, root)).fingerprint256).toBe(kept);
    expect(
      await metric('aidb_certificate_renewals_total', { domain: 'localhost', result: 'failure' }),
    ).toBe(1);
    const attempt = await metric('aidb_certificate_last_renewal_attempt_timestamp_seconds', {
      domain: 'localhost',
    });
    const success = await metric('aidb_certificate_last_renewal_success_timestamp_seconds', {
      domain: 'localhost',
    });
    expect(attempt).toBeGreaterThan(success ?? Infinity);
    const status = await agent.status();
    expect(status.certificates).toMatchObject([
      { domain: 'localhost', last_result: 'failure', consecutive_failures: 1, cert_file: certFile },
    ]);
  });
});
