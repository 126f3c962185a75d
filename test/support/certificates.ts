import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certificate {
  readonly keyPem: string;
  readonly certPem: string;
  readonly certPath: string;
  /** notAfter, seconds since the epoch (whole seconds, as in the certificate). */
  readonly notAfterSeconds: number;
}

// `openssl ca` because it alone (in OpenSSL 3.0) can set a validity period in the past.
const caConfig = `[ ca ]
default_ca = own
[ own ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
`;

const asn1Time = (date: Date): string =>
  `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** A self-signed P-256 certificate for localhost and 127.0.0.1, valid between the two dates. */
export async function makeCertificate(notBefore: Date, notAfter: Date): Promise<Certificate> {
  const dir = await mkdtemp(join(tmpdir(), 'aidb-cert-'));
  await writeFile(join(dir, 'ca.cnf'), caConfig);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '01\n');
  const options = { cwd: dir };
  await run(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'req.csr',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    options,
  );
  await run(
    'openssl',
    [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'key.pem',
      '-in',
      'req.csr',
      '-out',
      'cert.pem',
      '-notext',
      '-startdate',
      asn1Time(notBefore),
      '-enddate',
      asn1Time(notAfter),
    ],
    options,
  );
  return {
    keyPem: await readFile(join(dir, 'key.pem'), 'utf8'),
    certPem: await readFile(join(dir, 'cert.pem'), 'utf8'),
    certPath: join(dir, 'cert.pem'),
    notAfterSeconds: Math.floor(notAfter.getTime() / 1000),
  };
}
