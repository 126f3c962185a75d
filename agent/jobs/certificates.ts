import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificatesJobConfig } from '../../config/sections/agent-certificates.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import type { Logger } from '../../lib/logger.ts';
import type { AcmeIssuer } from '../certificates/acme.ts';
import {
  createStandaloneResponder,
  createWebrootResponder,
  type ChallengeResponder,
} from '../certificates/challenge.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { runHook } from '../certificates/hook.ts';
import { createCertificateManager, type CertificateManager } from '../certificates/manager.ts';
import type { Job } from './job.ts';

export interface CertificatesJobDeps {
  readonly config: CertificatesJobConfig;
  readonly dataDir: string;
  readonly meter: CatalogMeter;
  readonly logger: Logger;
}

export interface CertificatesJob extends Job {
  readonly manager: CertificateManager;
}

/** The account key on disk, created (mode 0600) on first use: the account is the key. */
async function accountKey(path: string, logger: Logger): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`certificates: cannot read the account key ${path}`, { cause: error });
    }
  }
  const { createKeyPem } = await import('../certificates/acme.ts');
  const pem = createKeyPem();
  await writeFileAtomic(path, pem, 0o600);
  logger.info({ path }, 'certificates: created an ACME account key');
  return pem;
}

function responderFor(deps: CertificatesJobDeps): ChallengeResponder {
  const { challenge } = deps.config;
  if (challenge.mode === 'webroot' && challenge.webroot !== undefined) {
    return createWebrootResponder(challenge.webroot);
  }
  return createStandaloneResponder({
    host: challenge.host,
    port: challenge.port,
    logger: deps.logger,
  });
}

/** Watches the configured certificates and renews them over ACME (HTTP-01) when due. */
export function createCertificatesJob(deps: CertificatesJobDeps): CertificatesJob {
  const { config, logger } = deps;
  const accountKeyFile = config.accountKeyFile ?? join(deps.dataDir, 'agent', 'acme-account.key');
  let issuer: Promise<AcmeIssuer> | undefined;
  const getIssuer = (): Promise<AcmeIssuer> => {
    issuer ??= (async () => {
      const directoryCa =
        config.directoryCaFile === undefined
          ? undefined
          : await readFile(config.directoryCaFile, 'utf8');
      // The ACME client loads when a certificate is first due, not with the agent.
      const { createAcmeIssuer } = await import('../certificates/acme.ts');
      return createAcmeIssuer({
        directoryUrl: config.directoryUrl,
        directoryCa,
        accountKeyPem: await accountKey(accountKeyFile, logger),
        email: config.email,
        termsOfServiceAgreed: config.termsOfServiceAgreed,
        requestTimeoutMs: config.requestTimeoutMs,
      });
    })();
    // A failed setup (unreadable CA file) is retried on the next run, not remembered.
    issuer.catch(() => {
      issuer = undefined;
    });
    return issuer;
  };
  const { hook, hookTimeoutMs } = config;
  const manager = createCertificateManager({
    certificates: config.certificates,
    renewBeforeFraction: config.renewBeforeFraction,
    backoff: { minMs: config.backoffMinMs, maxMs: config.backoffMaxMs },
    issue: async (domains) => (await getIssuer()).issue(domains, responderFor(deps)),
    ...(hook.length === 0
      ? {}
      : { hook: (env, signal) => runHook(hook, env, hookTimeoutMs, signal) }),
    meter: deps.meter,
    logger,
  });
  return {
    name: 'certificates',
    schedule: config.schedule,
    manager,
    run: (signal) => manager.run(signal),
  };
}
