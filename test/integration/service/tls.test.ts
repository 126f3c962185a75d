import { X509Certificate } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../../support/exposition.ts';
import { startTestService, type TestService } from '../../support/service.ts';
import { servedCertificate } from '../../support/tls-client.ts';
import { waitFor } from '../../support/wait.ts';
import { makeCertificate, type Certificate } from '../../support/certificates.ts';

const day = 86_400_000;
let dir: string;
let first: Certificate;
let second: Certificate;
let service: TestService;

const fingerprint = (cert: Certificate): string => new X509Certificate(cert.certPem).fingerprint256;

/** Replaces a file the way the agent does: write beside it, then rename over it. */
async function replace(path: string, text: string): Promise<void> {
  await writeFile(`${path}.new`, text);
  await rename(`${path}.new`, path);
}

async function metric(
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const text = (await service.metrics?.render()) ?? '';
  return [...parseExposition(text).values()]
    .flatMap((family) => family.samples)
    .find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}

function getLive(ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${service.url}/health/live`, { ca, servername: 'localhost' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidb-tls-'));
  first = await makeCertificate(new Date(Date.now() - day), new Date(Date.now() + 20 * day));
  second = await makeCertificate(new Date(Date.now() - day), new Date(Date.now() + 40 * day));
  await writeFile(join(dir, 'key.pem'), first.keyPem);
  await writeFile(join(dir, 'cert.pem'), first.certPem);
  service = await startTestService({
    env: {
      AIDB_TLS_CERT_FILE: join(dir, 'cert.pem'),
      AIDB_TLS_KEY_FILE: join(dir, 'key.pem'),
      AIDB_TLS_WATCH_INTERVAL_MS: '50',
    },
  });
});

afterAll(async () => {
  await service.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the service over HTTPS', () => {
  it('serves the configured certificate to a client that trusts it', async () => {
    expect(service.url).toMatch(/^https:\/\//);
    expect((await servedCertificate(service.url, first.certPem)).fingerprint256).toBe(
      fingerprint(first),
    );
    expect(await getLive(first.certPem)).toBe(200);
    expect(await metric('aidb_tls_certificate_not_after_timestamp_seconds')).toBe(
      first.notAfterSeconds,
    );
  });

  it('swaps in a renewed pair without a restart', async () => {
    await replace(join(dir, 'key.pem'), second.keyPem);
    await replace(join(dir, 'cert.pem'), second.certPem);
    await waitFor('the renewed certificate to be served', async () => {
      const served = await servedCertificate(service.url, second.certPem).catch(() => undefined);
      return served?.fingerprint256 === fingerprint(second);
    });
    expect(await metric('aidb_tls_reloads_total', { result: 'success' })).toBeGreaterThanOrEqual(1);
    expect(await metric('aidb_tls_certificate_not_after_timestamp_seconds')).toBe(
      second.notAfterSeconds,
    );
  });

  it('keeps the previous certificate and reports a broken new file', async () => {
    const failuresBefore = (await metric('aidb_tls_reloads_total', { result: 'failure' })) ?? 0;
    await replace(join(dir, 'cert.pem'), 'not a certificate\n');
    await waitFor('the failed reload to be counted', async () => {
      const failures = (await metric('aidb_tls_reloads_total', { result: 'failure' })) ?? 0;
      return failures > failuresBefore;
    });
    expect((await servedCertificate(service.url, second.certPem)).fingerprint256).toBe(
      fingerprint(second),
    );
    expect(await getLive(second.certPem)).toBe(200);
  });
});
