import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { zstdCompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createEncryptStream } from '../../../backups/age.ts';
import type { ManifestPart } from '../../../backups/manifest.ts';
import { readDecrypted, writeEncrypted } from '../../../backups/pipeline.ts';

const identity = await generateX25519Identity();
const recipient = await identityToRecipient(identity);
const dir = await mkdtemp(join(tmpdir(), 'aidb-pipeline-compressed-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Bytes that compress a little: a tar of embeddings is no better. */
function data(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += 64)
    createHash('sha256').update(String(at)).digest().copy(out, at);
  return out;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function write(
  name: string,
  source: Buffer,
  compressed: 'zstd' | undefined,
): Promise<{ path: string; part: ManifestPart }> {
  const path = join(dir, name);
  const written = await writeEncrypted({
    source: Readable.from([source]),
    sink: createWriteStream(path),
    recipients: [recipient],
    compressionLevel: 1,
    compressed,
    signal: AbortSignal.timeout(30_000),
  });
  const part: ManifestPart = {
    file: name,
    format: 'pg_basebackup-tar',
    ...written,
    ...(compressed === undefined ? {} : { sourceCompressed: compressed }),
    rowCounts: {},
  };
  return { path, part };
}

async function read(path: string, part: ManifestPart): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await readDecrypted({
    path,
    part,
    identities: [identity],
    consumer: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
    signal: AbortSignal.timeout(30_000),
  });
  return Buffer.concat(chunks);
}

describe('a part its source compressed (pg_basebackup --compress=server-zstd)', () => {
  const tar = data(3 * 1024 * 1024 + 17);
  const zstd = zstdCompressSync(tar);

  it('is stored without a second zstd and its plain digest covers the zstd stream', async () => {
    const { path, part } = await write('server.zst.age', zstd, 'zstd');
    expect(part.plain).toEqual({ bytes: zstd.length, sha256: sha256(zstd) });
    // Exactly what age alone makes of the zstd stream: a second zstd would change the size.
    const encrypted = await buffer(Readable.from([zstd]).pipe(createEncryptStream([recipient])));
    expect(part.stored.bytes).toBe(encrypted.length);
    expect((await read(path, part)).equals(tar)).toBe(true);
  });

  it('reads back only with the manifest saying so: without the flag the plain digest differs', async () => {
    const { path, part } = await write('flag.zst.age', zstd, 'zstd');
    const { sourceCompressed: _, ...unflagged } = part;
    await expect(read(path, unflagged)).rejects.toThrow(
      /plain stream is \d+ bytes, the manifest says \d+/,
    );
  });

  it('a part the pipeline compressed (every manifest before) still reads with its digest of the tar', async () => {
    const { path, part } = await write('client.zst.age', tar, undefined);
    expect(part.plain).toEqual({ bytes: tar.length, sha256: sha256(tar) });
    expect(part.sourceCompressed).toBeUndefined();
    expect((await read(path, part)).equals(tar)).toBe(true);
  });
});
