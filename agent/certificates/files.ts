import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** What the agent needs to know of a certificate on disk. */
export interface CertificateOnDisk {
  /** Seconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** DNS names of the subjectAltName extension. */
  readonly names: readonly string[];
}

function dnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
}

/** Parses the first (leaf) certificate of a PEM chain. */
export function parseCertificate(pem: string | Buffer): CertificateOnDisk {
  const cert = new X509Certificate(pem);
  return {
    notBefore: Math.floor(Date.parse(cert.validFrom) / 1000),
    notAfter: Math.floor(Date.parse(cert.validTo) / 1000),
    names: dnsNames(cert),
  };
}

/** The certificate in a file; undefined when there is no file yet, an error when unreadable. */
export async function readCertificateFile(path: string): Promise<CertificateOnDisk | undefined> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`certificates: cannot read ${path}`, { cause: error });
  }
  try {
    return parseCertificate(pem);
  } catch (error) {
    throw new Error(`certificates: ${path} holds no valid PEM certificate`, { cause: error });
  }
}
