import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Logger } from '../../lib/logger.ts';

/** Where HTTP-01 tokens are published while an order is pending (RFC 8555 §8.3). */
export interface ChallengeResponder {
  publish(token: string, keyAuthorization: string): Promise<void>;
  withdraw(token: string): Promise<void>;
  /** Stops answering; called when an order is over, whatever its result. */
  close(): Promise<void>;
}

const prefix = '/.well-known/acme-challenge/';
// base64url, as RFC 8555 §8.3 specifies for tokens; anything else never names a file.
const tokenPattern = /^[A-Za-z0-9_-]{1,256}$/;

function checkToken(token: string): string {
  if (!tokenPattern.test(token)) throw new Error('certificates: the CA sent a malformed token');
  return token;
}

/**
 * Answers the CA itself on a port of its own, only while an order needs it: port 80 is often
 * privileged or shared, so it is not held between renewals.
 */
export function createStandaloneResponder(options: {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
}): ChallengeResponder {
  const tokens = new Map<string, string>();
  let server: Server | undefined;

  async function listen(): Promise<void> {
    const created = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://challenge').pathname;
      const answer = path.startsWith(prefix) ? tokens.get(path.slice(prefix.length)) : undefined;
      if (request.method !== 'GET' || answer === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(answer);
    });
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(options.port, options.host, () => {
        created.off('error', reject);
        resolve();
      });
    });
    server = created;
    options.logger.info({ port: options.port }, 'certificates: HTTP-01 responder listening');
  }

  return {
    async publish(token, keyAuthorization) {
      tokens.set(checkToken(token), keyAuthorization);
      if (server === undefined) await listen();
    },
    withdraw(token) {
      tokens.delete(token);
      return Promise.resolve();
    },
    async close() {
      tokens.clear();
      const open = server;
      server = undefined;
      if (open === undefined) return;
      await new Promise<void>((resolve) => {
        open.close(() => {
          resolve();
        });
        open.closeAllConnections();
      });
    },
  };
}

/** Writes tokens where a reverse proxy serves `/.well-known/acme-challenge/` from. */
export function createWebrootResponder(webroot: string): ChallengeResponder {
  const dir = join(webroot, '.well-known', 'acme-challenge');
  return {
    async publish(token, keyAuthorization) {
      await mkdir(dir, { recursive: true });
      // World-readable on purpose: the proxy runs as another user, and the CA reads it anyway.
      await writeFile(join(dir, checkToken(token)), keyAuthorization, { mode: 0o644 });
    },
    async withdraw(token) {
      await rm(join(dir, checkToken(token)), { force: true });
    },
    close: () => Promise.resolve(),
  };
}
