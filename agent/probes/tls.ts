import { once } from 'node:events';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, type TLSSocket } from 'node:tls';
import { probeSslEarliestCertExpiry } from '../../catalog/metrics/probes.ts';
import type { ProbeOptionsConfig } from '../../config/sections/agent-targets.ts';
import { earliestCertExpiry } from './certificates.ts';
import { failureReason, ProbeFailure, type Probe } from './probe.ts';

export type TlsOptions = Omit<ProbeOptionsConfig['tls'], 'caFile'> & {
  /** PEM bundle of trusted CAs, read from `caFile`; the system store when absent. */
  readonly ca?: string | undefined;
};

async function handshake(
  options: TlsOptions,
  name: string,
  signal: AbortSignal,
): Promise<TLSSocket> {
  // Verification is done below, after the expiry is recorded: an expired chain must still
  // report when it expired (blackbox_exporter keeps the metric for failed handshakes too).
  const socket = connect({
    host: options.host,
    port: options.port,
    ...(isIP(name) === 0 ? { servername: name } : {}),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    rejectUnauthorized: false,
  });
  try {
    await once(socket, 'secureConnect', { signal });
    return socket;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/** Completes a TLS handshake and checks the chain's trust, validity and host name. */
export const tls: Probe<TlsOptions> = async (options, { signal, record }) => {
  const name = options.serverName ?? options.host;
  const socket = await handshake(options, name, signal);
  try {
    const expiry = earliestCertExpiry(socket);
    if (expiry !== undefined) record.set(probeSslEarliestCertExpiry, expiry);
    if (options.verifyChain && !socket.authorized) {
      // An OpenSSL verify code such as CERT_HAS_EXPIRED (typed as an Error, a string at run time).
      const reported: unknown = socket.authorizationError;
      const code = String(reported);
      throw new ProbeFailure(failureReason({ code }), `tls: chain not trusted (${code})`);
    }
    if (options.verifyHostname) {
      const mismatch = checkServerIdentity(name, socket.getPeerCertificate());
      if (mismatch !== undefined) {
        throw new ProbeFailure('hostname_mismatch', `tls: ${mismatch.message}`, {
          cause: mismatch,
        });
      }
    }
  } finally {
    socket.destroy();
  }
};
