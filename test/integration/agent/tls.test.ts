import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait.ts';
import { makeCertificate, type Certificate } from '../../support/certificates.ts';
import { startTestAgent, valueOf, type TestAgent } from './harness.ts';

const day = 86_400_000;
let soon: Certificate;
let expired: Certificate;
const servers: Server[] = [];
let agent: TestAgent;

async function serve(cert: Certificate): Promise<number> {
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (_q, r) => r.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  soon = await makeCertificate(new Date(Date.now() - day), new Date(Date.now() + 5 * day));
  expired = await makeCertificate(
    new Date('2020-01-01T00:00:00Z'),
    new Date('2020-02-01T00:00:00Z'),
  );
  const [soonPort, expiredPort] = await Promise.all([serve(soon), serve(expired)]);
  const tls = (name: string, port: number, cert: Certificate, serverName = 'localhost') => ({
    name,
    probe: 'tls',
    options: { host: '127.0.0.1', port, serverName, caFile: cert.certPath },
  });
  agent = await startTestAgent({
    agent: {
      defaultTargets: false,
      probeDefaults: { intervalMs: 1000, timeoutMs: 1000, failureThreshold: 1 },
      targets: [
        tls('soon', soonPort, soon),
        tls('expired', expiredPort, expired),
        tls('wrong-name', soonPort, soon, 'db.example.org'),
        {
          name: 'https-expired',
          probe: 'http',
          options: { url: `https://127.0.0.1:${expiredPort}/`, tlsVerify: false },
        },
      ],
    },
  });
  await waitFor('every target to be probed', async () => {
    const status = await agent.status();
    return status.targets.every((t) => t.last_result !== null);
  });
});

afterAll(async () => {
  await agent.stop();
  for (const server of servers) server.close();
});

describe('certificate expiry from self-signed certificates made by openssl', () => {
  it('reports each chain’s notAfter, keeps it for an expired chain, and fails the right ones', async () => {
    const text = await agent.scrape();
    const status = await agent.status();
    const rows = status.targets.map((t) => ({
      target: t.name,
      success: valueOf(text, 'probe_success', { target: t.name }),
      reason: t.last_result?.reason,
      expiry: valueOf(text, 'probe_ssl_earliest_cert_expiry', { target: t.name }),
    }));
    expect(rows).toEqual([
      { target: 'soon', success: 1, reason: null, expiry: soon.notAfterSeconds },
      {
        target: 'expired',
        success: 0,
        reason: 'certificate_expired',
        expiry: expired.notAfterSeconds,
      },
      {
        target: 'wrong-name',
        success: 0,
        reason: 'hostname_mismatch',
        expiry: soon.notAfterSeconds,
      },
      { target: 'https-expired', success: 1, reason: null, expiry: expired.notAfterSeconds },
    ]);
  });

  it('leaves days-to-expiry to PromQL: the soon-expiring chain is within a week', async () => {
    const expiry = valueOf(await agent.scrape(), 'probe_ssl_earliest_cert_expiry', {
      target: 'soon',
    });
    const days = ((expiry ?? 0) * 1000 - Date.now()) / day;
    expect(days).toBeGreaterThan(4);
    expect(days).toBeLessThanOrEqual(5);
  });
});
