import { generateKeyPairSync } from 'node:crypto';
import { Agent } from 'node:https';
import * as acme from 'acme-client';
import type { ChallengeResponder } from './challenge.ts';

export interface AcmeOptions {
  readonly directoryUrl: string;
  /** PEM bundle trusted for the directory's HTTPS; the system store when absent. */
  readonly directoryCa?: string | undefined;
  readonly accountKeyPem: string;
  readonly email?: string | undefined;
  readonly termsOfServiceAgreed: boolean;
  readonly requestTimeoutMs: number;
}

export interface Issued {
  readonly keyPem: string;
  /** Leaf first, then the intermediates, as the CA sent them. */
  readonly chainPem: string;
}

/** Obtains certificates from an RFC 8555 server with the HTTP-01 challenge. */
export interface AcmeIssuer {
  issue(domains: readonly string[], responder: ChallengeResponder): Promise<Issued>;
}

interface AcmeSettings {
  retryMaxAttempts: number;
}

/** A fresh P-256 key in PKCS#8 PEM: small, fast, accepted by every public ACME CA. */
export function createKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function createAcmeIssuer(options: AcmeOptions): AcmeIssuer {
  // acme-client keeps one axios instance for the process. Its own retries wait up to 75 s on an
  // unreachable server and would hide failures from the metrics; the job retries with its own
  // backoff instead. The agent runs one ACME configuration, so these globals are its own.
  const http = acme.axios;
  (http.defaults as unknown as { acmeSettings: AcmeSettings }).acmeSettings.retryMaxAttempts = 0;
  http.defaults.timeout = options.requestTimeoutMs;
  if (options.directoryCa !== undefined) {
    http.defaults.httpsAgent = new Agent({ ca: options.directoryCa });
  }
  const client = new acme.Client({
    directoryUrl: options.directoryUrl,
    accountKey: options.accountKeyPem,
    backoffAttempts: 20,
    backoffMin: 250,
    backoffMax: 5_000,
  });

  return {
    async issue(domains, responder) {
      const commonName = domains[0];
      if (commonName === undefined) throw new Error('certificates: no domain to issue for');
      const keyPem = createKeyPem();
      const [, csr] = await acme.crypto.createCsr({ commonName, altNames: [...domains] }, keyPem);
      try {
        const chainPem = await client.auto({
          csr,
          ...(options.email === undefined ? {} : { email: options.email }),
          termsOfServiceAgreed: options.termsOfServiceAgreed,
          challengePriority: ['http-01'],
          // The CA checks the token itself; a self-check from this host often cannot reach
          // its own public address (hairpin NAT) and would fail orders the CA would grant.
          skipChallengeVerification: true,
          challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
            await responder.publish(challenge.token, keyAuthorization);
          },
          challengeRemoveFn: async (_authz, challenge) => {
            await responder.withdraw(challenge.token);
          },
        });
        return { keyPem, chainPem };
      } finally {
        await responder.close();
      }
    },
  };
}
