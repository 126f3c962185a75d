import { once } from 'node:events';
import { connect } from 'node:tls';

/** What a verifying client saw of a server's certificate. */
export interface Served {
  readonly fingerprint256: string;
  readonly validTo: string;
}

/**
 * Completes a verifying TLS handshake (trusting only `ca`) and returns the leaf the server sent;
 * rejects when the chain or the name does not verify.
 */
export async function servedCertificate(url: string, ca: string): Promise<Served> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), ca, servername: 'localhost' });
  try {
    await once(socket, 'secureConnect');
    const cert = socket.getPeerCertificate();
    return { fingerprint256: cert.fingerprint256, validTo: cert.valid_to };
  } finally {
    socket.destroy();
  }
}
