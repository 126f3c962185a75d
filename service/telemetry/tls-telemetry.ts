import { tlsCertificateNotAfter, tlsReloads } from '../../catalog/metrics/certificates.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';

/** The certificate the service serves over HTTPS and its reloads. */
export interface TlsTelemetry {
  /** The certificate now served expires at `notAfterSeconds`. */
  serving(notAfterSeconds: number): void;
  /** A change of the certificate files was swapped in (ok) or refused, keeping the old one. */
  reloaded(ok: boolean): void;
}

export function createTlsTelemetry(meter: CatalogMeter): TlsTelemetry {
  const notAfter = meter.gauge(tlsCertificateNotAfter);
  const reloads = meter.counter(tlsReloads);
  return {
    serving: (notAfterSeconds) => {
      notAfter.record(notAfterSeconds, {});
      // Only an HTTPS service has reloads; from then on both results exist, failures as 0.
      reloads.zero();
    },
    reloaded: (ok) => {
      reloads.add(1, { result: ok ? 'success' : 'failure' });
    },
  };
}
