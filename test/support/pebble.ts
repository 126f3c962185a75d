import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaries, binaryPath } from './binaries.ts';
import { makeCertificate } from './certificates.ts';
import { createManagedProcess, type ManagedProcess } from './managed-process.ts';
import { freePort } from './ports.ts';

/** Let's Encrypt's test ACME server (Debian `pebble`) on loopback, in its own directory. */
export interface Pebble {
  readonly process: ManagedProcess;
  readonly directoryUrl: string;
  /** CA of pebble's own HTTPS listener (what the ACME client must trust). */
  readonly listenerCaFile: string;
  /** The root that signs issued certificates; changes at every pebble start. */
  issuingRoot(): Promise<string>;
  close(): Promise<void>;
}

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.once('error', reject);
    req.end();
  });
}

/**
 * Starts pebble answering HTTP-01 challenges on `httpPort` of 127.0.0.1 (pebble resolves
 * `localhost` through the system resolver). Nonce rejection and validation sleeps are off so
 * a run takes a second, not minutes.
 */
export async function startPebble(options: { readonly httpPort: number }): Promise<Pebble> {
  const dir = await mkdtemp(join(tmpdir(), 'aidb-pebble-'));
  const day = 86_400_000;
  const listener = await makeCertificate(new Date(Date.now() - day), new Date(Date.now() + day));
  await writeFile(join(dir, 'key.pem'), listener.keyPem);
  const [port, managementPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
  await writeFile(
    join(dir, 'pebble-config.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${port}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: listener.certPath,
        privateKey: join(dir, 'key.pem'),
        httpPort: options.httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const directoryUrl = `https://127.0.0.1:${port}/dir`;
  const process_ = createManagedProcess({
    name: 'pebble',
    command: binaryPath(binaries.pebble),
    args: ['-config', join(dir, 'pebble-config.json')],
    cwd: dir,
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    isReady: async () => (await get(directoryUrl, listener.certPem)).status === 200,
  });
  await process_.start();
  return {
    process: process_,
    directoryUrl,
    listenerCaFile: listener.certPath,
    async issuingRoot() {
      const root = await get(`https://127.0.0.1:${managementPort}/roots/0`, listener.certPem);
      if (root.status !== 200) throw new Error(`pebble: /roots/0 answered ${root.status}`);
      return root.body;
    },
    async close() {
      await process_.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
