import { successOrFailure } from '../labels.ts';
import { defineMetric } from '../types.ts';

const domain = { domain: { boundedBy: 'configuredCertificate' } } as const;

export const certificateNotAfter = defineMetric({
  name: 'aidb_certificate_not_after_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'Expiry (notAfter) of the certificate on disk, by domain and file.',
  labels: { ...domain, file: { boundedBy: 'configuredCertificate' } },
  emitters: ['agent'],
});

export const certificateRemaining = defineMetric({
  name: 'aidb_certificate_remaining_seconds',
  kind: 'observable_gauge',
  unit: 'seconds',
  help: 'Time left until the certificate of the domain expires (negative once expired).',
  labels: domain,
  emitters: ['agent'],
  unconsumed:
    'The same figure as aidb_certificate_not_after_timestamp_seconds minus time(), which the rules and dashboard use so that a stale scrape cannot hide an expiry.',
});

export const certificateRenewals = defineMetric({
  name: 'aidb_certificate_renewals_total',
  kind: 'counter',
  unit: 'count',
  help: 'ACME issuance and renewal attempts, by domain and result.',
  labels: { ...domain, result: { values: successOrFailure } },
  emitters: ['agent'],
});

export const certificateLastRenewalSuccess = defineMetric({
  name: 'aidb_certificate_last_renewal_success_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When the certificate of the domain was last issued or renewed successfully.',
  labels: domain,
  emitters: ['agent'],
});

export const certificateLastRenewalAttempt = defineMetric({
  name: 'aidb_certificate_last_renewal_attempt_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When issuance or renewal was last attempted for the domain, whatever the result.',
  labels: domain,
  emitters: ['agent'],
  unconsumed: 'Renewal detail for ad-hoc queries; failed renewals are counted and alerted.',
});

export const certificateHookRuns = defineMetric({
  name: 'aidb_certificate_hook_runs_total',
  kind: 'counter',
  unit: 'count',
  help: 'Runs of the post-renewal hook command, by domain and result (non-zero exit is failure).',
  labels: { ...domain, result: { values: successOrFailure } },
  emitters: ['agent'],
});

export const tlsReloads = defineMetric({
  name: 'aidb_tls_reloads_total',
  kind: 'counter',
  unit: 'count',
  help: 'Reloads of the service’s certificate files; a failure keeps the previous certificate.',
  labels: { result: { values: successOrFailure } },
  emitters: ['service'],
  unconsumed:
    'Service-side view of certificate reloads for ad-hoc queries; what clients are served is probed and alerted by the agent (probe_ssl_earliest_cert_expiry).',
});

export const tlsCertificateNotAfter = defineMetric({
  name: 'aidb_tls_certificate_not_after_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'Expiry (notAfter) of the certificate the service is serving now.',
  labels: {},
  emitters: ['service'],
  unconsumed:
    "The served certificate's expiry seen from inside the service; the agent's TLS probe alerts on the same expiry as clients see it (probe_ssl_earliest_cert_expiry).",
});

export const certificateMetrics = [
  certificateNotAfter,
  certificateRemaining,
  certificateRenewals,
  certificateLastRenewalSuccess,
  certificateLastRenewalAttempt,
  certificateHookRuns,
  tlsReloads,
  tlsCertificateNotAfter,
];
