import { z } from 'zod';
import { setting } from '../setting.ts';
import { cronExpression } from './cron.ts';
import { httpUrl, millis, port } from './primitives.ts';

// RFC 1035 host names; no wildcards: those need DNS-01, and the agent answers HTTP-01 only.
const domainName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'is not a lower-case DNS name',
  );

const certificate = z
  .object({
    /** The first name is the certificate's label (`domain`) in metrics and status. */
    domains: z.array(domainName).min(1).max(100),
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
    /** false: watched and exported (expiry alerts) but renewed by something else. */
    renew: z.boolean().default(true),
  })
  .strict();
export type CertificateConfig = z.output<typeof certificate>;

export const challengeModes = ['standalone', 'webroot'] as const;

const challenge = z
  .object({
    mode: setting(z.enum(challengeModes).default('standalone'), {
      env: 'AIDB_AGENT_ACME_CHALLENGE_MODE',
      doc: '`standalone`: the agent answers HTTP-01 itself on `port`; `webroot`: it writes the token under `webroot/.well-known/acme-challenge/` for a reverse proxy to serve.',
    }),
    host: setting(z.string().min(1).default('0.0.0.0'), {
      env: 'AIDB_AGENT_ACME_CHALLENGE_HOST',
      doc: 'Address the standalone HTTP-01 responder listens on while an order is pending.',
    }),
    port: setting(port.default(80), {
      env: 'AIDB_AGENT_ACME_CHALLENGE_PORT',
      doc: 'Port of the standalone HTTP-01 responder (the CA connects to port 80; forward it when this differs).',
    }),
    webroot: setting(z.string().min(1).optional(), {
      env: 'AIDB_AGENT_ACME_WEBROOT',
      doc: 'Directory a reverse proxy serves as the site root; required in `webroot` mode.',
    }),
  })
  .strict();

export const certificatesJob = z
  .object({
    schedule: setting(cronExpression('17 */6 * * *'), {
      env: 'AIDB_AGENT_CERTIFICATES_SCHEDULE',
      doc: 'Cron expression of the certificates job: reads every configured certificate, renews those due. Runs only when `agent.jobs.certificates.certificates` is not empty.',
    }),
    certificates: setting(z.array(certificate).default([]), {
      env: false,
      doc: 'Certificates the agent watches and renews: `domains` (first is the label), `certFile`, `keyFile`, `renew` (false: watch only).',
    }),
    directoryUrl: setting(httpUrl.default('https://acme-v02.api.letsencrypt.org/directory'), {
      env: 'AIDB_AGENT_ACME_DIRECTORY_URL',
      doc: 'ACME directory (RFC 8555). Let’s Encrypt staging: `https://acme-staging-v02.api.letsencrypt.org/directory`.',
    }),
    directoryCaFile: setting(z.string().min(1).optional(), {
      env: 'AIDB_AGENT_ACME_DIRECTORY_CA_FILE',
      doc: 'PEM CA bundle trusted for the ACME directory’s HTTPS instead of the system store (a private CA).',
    }),
    email: setting(z.email().optional(), {
      env: 'AIDB_AGENT_ACME_EMAIL',
      doc: 'Contact address of the ACME account (expiry notices from the CA).',
    }),
    termsOfServiceAgreed: setting(z.boolean().default(false), {
      env: 'AIDB_AGENT_ACME_TERMS_OF_SERVICE_AGREED',
      doc: 'Agree to the CA’s terms of service; required to renew any certificate.',
    }),
    accountKeyFile: setting(z.string().min(1).optional(), {
      env: 'AIDB_AGENT_ACME_ACCOUNT_KEY_FILE',
      doc: 'ACME account key (PEM), created with mode 0600 when absent; default `<dataDir>/agent/acme-account.key`.',
    }),
    challenge: challenge.prefault({}),
    renewBeforeFraction: setting(
      z
        .number()
        .gt(0)
        .max(1)
        .default(1 / 3),
      {
        env: 'AIDB_AGENT_ACME_RENEW_BEFORE_FRACTION',
        doc: 'Renew once less than this part of the lifetime is left (1/3: day 60 of a 90-day certificate); 1 renews on every run.',
      },
    ),
    backoffMinMs: setting(millis.default(60_000), {
      env: 'AIDB_AGENT_ACME_BACKOFF_MIN_MS',
      doc: 'Wait after a first failed renewal before the next attempt; doubles per failure, with jitter.',
    }),
    backoffMaxMs: setting(millis.default(6 * 3_600_000), {
      env: 'AIDB_AGENT_ACME_BACKOFF_MAX_MS',
      doc: 'Longest wait between failed renewal attempts.',
    }),
    requestTimeoutMs: setting(millis.default(30_000), {
      env: 'AIDB_AGENT_ACME_REQUEST_TIMEOUT_MS',
      doc: 'Time one request to the ACME server may take.',
    }),
    hook: setting(z.array(z.string().min(1)).default([]), {
      env: false,
      doc: 'Command (argv, no shell) run after a certificate was renewed, e.g. to reload a reverse proxy; gets `AIDB_CERT_DOMAIN`, `AIDB_CERT_FILE`, `AIDB_KEY_FILE`.',
    }),
    hookTimeoutMs: setting(millis.default(60_000), {
      env: 'AIDB_AGENT_ACME_HOOK_TIMEOUT_MS',
      doc: 'Time the post-renewal hook may run before it is killed and counted as failed.',
    }),
  })
  .strict()
  .superRefine((job, ctx) => {
    const renewing = job.certificates.some((c) => c.renew);
    if (renewing && !job.termsOfServiceAgreed) {
      ctx.addIssue({
        code: 'custom',
        path: ['termsOfServiceAgreed'],
        message: 'must be true to renew certificates (the CA requires agreement)',
      });
    }
    if (job.challenge.mode === 'webroot' && job.challenge.webroot === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['challenge', 'webroot'],
        message: 'required when challenge.mode is webroot',
      });
    }
    if (job.backoffMinMs > job.backoffMaxMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['backoffMinMs'],
        message: `${job.backoffMinMs} ms is longer than backoffMaxMs`,
      });
    }
    const seen = new Set<string>();
    job.certificates.forEach((c, index) => {
      const label = c.domains[0] ?? '';
      if (seen.has(label)) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificates', index, 'domains', 0],
          message: `"${label}" labels two certificates`,
        });
      }
      seen.add(label);
    });
  });

export type CertificatesJobConfig = z.output<typeof certificatesJob>;
