import { certificateExpiryDays } from '../../catalog/certificate-expiry.ts';
import {
  certificateHookRuns,
  certificateNotAfter,
  certificateRenewals,
} from '../../catalog/metrics/certificates.ts';
import {
  gt,
  increase,
  jobScope,
  lt,
  min,
  selectors,
  sub,
  sum,
  time,
} from '../../lib/promql/index.ts';
import { groupName } from '../conventions.ts';
import { input, ramp, steady } from '../fixtures.ts';
import type { AlertName, AlertSpec, FamilySpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { agentStatusStep, agentTarget, alert, sameCertificate, targetLabels } from './common.ts';

const day = 86_400;

/**
 * Failed renewals keep alerting for 12 h: the agent's backoff waits up to 6 h between attempts
 * (`backoffMaxMs`), so a still-failing renewal always shows a new failure inside the window.
 */
const failureWindow = '12h';

/** Certificates the agent manages (ACME) or watches: expiry, renewal and the reload hook. */
export function certificatesFamily(context: GenerationContext): FamilySpec<'certificates'> {
  const s = selectors(jobScope(context.agentJob));
  const target = agentTarget(context);
  const perCertificate = ['job', 'instance', 'domain', 'file'] as const;
  const perDomain = ['job', 'instance', 'domain'] as const;
  const expiresIn = sub(min(perCertificate, s.gauge(certificateNotAfter)), time());
  const file = '/etc/aidb/tls/cert.pem';
  // In promtool, time() starts at 0: an expiry timestamp of N days is N days away at the start.
  const certificate = (days: number) =>
    input(
      certificateNotAfter,
      target,
      { domain: 'aidb.example.org', file },
      steady(days * day, 60),
    );
  const renewals = (result: 'success' | 'failure', values: string) =>
    input(certificateRenewals, target, { domain: 'aidb.example.org', result }, values);
  const hooks = (result: 'success' | 'failure', values: string) =>
    input(certificateHookRuns, target, { domain: 'aidb.example.org', result }, values);
  const domainLabels = { ...targetLabels(target), domain: 'aidb.example.org' };

  const expiry = (name: AlertName, days: number, severity: AlertSpec['severity']): AlertSpec =>
    alert({
      name,
      expr: lt(expiresIn, days * day),
      severity,
      summary: tpl`Certificate of ${label('domain')} expires within ${String(days)} days`,
      description: tpl`The certificate in ${label('file')} for ${label('domain')} expires in less than ${String(days)} days, whether or not the agent renews it.`,
      dashboard: 'agent-probes',
      runbook: {
        meaning: `A certificate the agent watches expires within ${String(days)} days. With ACME renewal at one third of the lifetime left, a 90-day certificate renews 30 days ahead: reaching this point means renewal is off for it or has failed for weeks.`,
        causes: [
          'Renewal is failing (see AidbCertificateRenewalFailing) or the certificate has `renew: false`.',
          'The certificate files are written by something else that stopped renewing them.',
        ],
        firstQueries: [{ title: 'Seconds until expiry per certificate', expr: expiresIn }],
        mitigation: [
          agentStatusStep,
          'Run `aidb agent run-job certificates` to renew now and read its error; fix it (DNS, port 80, rate limit), then check the service serves the new certificate.',
        ],
      },
      tests: {
        firing: [
          {
            name: `a certificate ${String(days - 1)} days from expiry fires`,
            series: [certificate(days - 1)],
            at: '10m',
            labels: { ...domainLabels, file },
          },
        ],
        silent: [
          {
            name: `a certificate ${String(days + 1)} days from expiry stays silent`,
            series: [certificate(days + 1)],
            at: '10m',
          },
        ],
      },
    });

  const failures = sum(
    perDomain,
    increase(s.counter(certificateRenewals, { result: 'failure' }), failureWindow),
  );
  const hookFailures = sum(
    perDomain,
    increase(s.counter(certificateHookRuns, { result: 'failure' }), failureWindow),
  );
  const expiresSoon = expiry(
    'AidbCertificateExpiresSoon',
    certificateExpiryDays.warning,
    'warning',
  );
  return {
    id: 'certificates',
    title: 'Certificates',
    prefixes: ['AidbCertificate'],
    groups: [
      {
        name: groupName('certificates'),
        rules: [
          expiresSoon,
          {
            ...expiry('AidbCertificateExpiryImminent', certificateExpiryDays.critical, 'critical'),
            inhibits: { alerts: [expiresSoon], why: sameCertificate },
          },
          alert({
            name: 'AidbCertificateRenewalFailing',
            expr: gt(failures, 0),
            severity: 'warning',
            summary: tpl`ACME renewal of ${label('domain')} is failing`,
            description: tpl`The agent ${label('instance')} failed to issue or renew the certificate of ${label('domain')} within the last ${failureWindow}; it keeps the old certificate and retries with backoff.`,
            dashboard: 'agent-probes',
            runbook: {
              meaning:
                'An ACME order for the certificate failed: the CA refused it, could not reach the HTTP-01 token, or could not be reached. The old certificate stays in place; nothing breaks until it expires.',
              causes: [
                'Port 80 of the domain does not reach the agent’s responder or the webroot (firewall, proxy, DNS pointing elsewhere).',
                'The CA is unreachable or rate-limits the account (Let’s Encrypt allows 5 duplicate certificates a week).',
                'A wrong directory URL, an untrusted directory CA, or terms of service not agreed.',
              ],
              firstQueries: [{ title: 'Failed renewals per domain', expr: failures }],
              mitigation: [
                'Run `aidb agent status`: the certificates table shows the last error per domain.',
                'Fix the cause, then `aidb agent run-job certificates`; test against Let’s Encrypt staging first to spare the production rate limits.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'a failed renewal fires',
                  series: [renewals('failure', '0x5 1x30'), renewals('success', steady(0, 35))],
                  at: '20m',
                  labels: domainLabels,
                },
              ],
              silent: [
                {
                  name: 'successful renewals stay silent',
                  series: [renewals('failure', steady(0, 35)), renewals('success', ramp(0, 1, 35))],
                  at: '20m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbCertificateHookFailing',
            expr: gt(hookFailures, 0),
            severity: 'warning',
            summary: tpl`Post-renewal hook for ${label('domain')} failed`,
            description: tpl`The certificate of ${label('domain')} was renewed, but the hook meant to load it (e.g. a proxy reload) exited non-zero or timed out: clients may still get the old certificate.`,
            dashboard: 'agent-probes',
            runbook: {
              meaning:
                'The certificate file is new but whatever was to pick it up was not reloaded. The aidb service reloads its own files; other servers need the hook.',
              causes: [
                'The hook command is wrong, lacks permissions, or the server it reloads refused its configuration.',
              ],
              firstQueries: [{ title: 'Failed hook runs per domain', expr: hookFailures }],
              mitigation: [
                'Read the agent log for the hook’s output; run the hook by hand with `AIDB_CERT_DOMAIN`, `AIDB_CERT_FILE` and `AIDB_KEY_FILE` set.',
                'Reload the server by hand so it serves the renewed certificate.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'a failed hook run fires',
                  series: [hooks('failure', '0x5 1x30')],
                  at: '20m',
                  labels: domainLabels,
                },
              ],
              silent: [
                {
                  name: 'successful hook runs stay silent',
                  series: [hooks('failure', steady(0, 35)), hooks('success', '0x5 1x30')],
                  at: '20m',
                },
              ],
            },
          }),
        ],
      },
    ],
  };
}
