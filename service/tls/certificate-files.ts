import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

export interface TlsPaths {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile?: string | undefined;
}

/** A certificate, its key and optional CA bundle, checked to belong together. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
  /** Expiry of the leaf certificate, seconds since the epoch. */
  readonly notAfter: number;
}

async function read(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`tls: cannot read the ${what} ${path} (${reason})`, { cause: error });
  }
}

/**
 * Reads the files and builds a secure context from them once, so a key that does not match its
 * certificate, or a file that is not PEM, is an error here and never reaches the server.
 */
export async function loadTlsMaterial(paths: TlsPaths): Promise<TlsMaterial> {
  const cert = await read(paths.certFile, 'certificate');
  const key = await read(paths.keyFile, 'key');
  const ca = paths.caFile === undefined ? undefined : await read(paths.caFile, 'CA bundle');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (error) {
    throw new Error(`tls: ${paths.certFile} holds no PEM certificate`, { cause: error });
  }
  try {
    createSecureContext({ cert, key, ...(ca === undefined ? {} : { ca }) });
  } catch (error) {
    throw new Error(
      `tls: ${paths.keyFile} is not a usable key for ${paths.certFile} (${(error as Error).message})`,
      { cause: error },
    );
  }
  if (!leaf.checkPrivateKey(createPrivateKey(key))) {
    throw new Error(`tls: ${paths.keyFile} is not the key of ${paths.certFile}`);
  }
  return {
    cert,
    key,
    ...(ca === undefined ? {} : { ca }),
    notAfter: Math.floor(Date.parse(leaf.validTo) / 1000),
  };
}
