import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

/**
 * When the first certificate of the chain the peer sent expires, in seconds since the epoch
 * (blackbox_exporter's `probe_ssl_earliest_cert_expiry`); undefined when it sent none.
 */
export function earliestCertExpiry(socket: TLSSocket): number | undefined {
  const seen = new Set<string>();
  let earliest: number | undefined;
  // An empty object when the peer sent no certificate.
  let cert: Partial<DetailedPeerCertificate> | undefined = socket.getPeerCertificate(true);
  // A self-signed root lists itself as its issuer: stop at a fingerprint already seen.
  while (
    cert?.valid_to !== undefined &&
    cert.fingerprint256 !== undefined &&
    !seen.has(cert.fingerprint256)
  ) {
    seen.add(cert.fingerprint256);
    const expiry = Date.parse(cert.valid_to) / 1000;
    if (earliest === undefined || expiry < earliest) earliest = expiry;
    cert = cert.issuerCertificate;
  }
  return earliest;
}
