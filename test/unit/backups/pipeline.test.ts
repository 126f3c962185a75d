import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { zstdDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecryptStream } from '../../../backups/age.ts';
import { readDecrypted, writeEncrypted, zstdChunk } from '../../../backups/pipeline.ts';

const identity = await generateX25519Identity();
const recipient = await identityToRecipient(identity);
const signal = new AbortController().signal;

/** Bytes that do not repeat, half of them text zstd can compress: reused memory shows. */
function bytes(size: number): Buffer {
  const out = randomBytes(size);
  for (let at = 0; at < size; at += 8192) out.fill('lorem ipsum ', at, Math.min(size, at + 4096));
  return out;
}

/**
 * Pieces as a pipe gives them (many under 64 KiB), pieces larger than the chunks zstd gathers,
 * and pieces that end exactly at or just past a gathered chunk.
 */
const shapes: Record<string, readonly number[]> = {
  empty: [],
  'one byte': [1],
  'small reads': Array.from({ length: 200 }, (_, i) => 1 + ((i * 7919) % 65_536)),
  'large pieces': [3 * zstdChunk + 5, 1, zstdChunk, zstdChunk - 1, 2 * zstdChunk],
  'exact chunk boundaries': [
    zstdChunk / 2,
    zstdChunk / 2,
    zstdChunk,
    65_536,
    zstdChunk - 65_536,
    17,
  ],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidb-pipeline-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the backup file pipeline', () => {
  it.each(Object.entries(shapes))(
    '%s: written, then read back to the same bytes with matching digests',
    async (name, sizes) => {
      const pieces = sizes.map((size) => bytes(size));
      const plain = Buffer.concat(pieces);
      const path = join(dir, `${name}.zst.age`);
      const written = await writeEncrypted({
        source: Readable.from(pieces),
        sink: createWriteStream(path),
        recipients: [recipient],
        compressionLevel: 3,
        signal,
      });
      expect(written.plain).toEqual({
        bytes: plain.length,
        sha256: createHash('sha256').update(plain).digest('hex'),
      });
      const stored = await readFile(path);
      expect(written.stored).toEqual({
        bytes: stored.length,
        sha256: createHash('sha256').update(stored).digest('hex'),
      });
      // One zstd frame that a one-shot decoder reads whole, as the zstd tool would.
      const compressed = Buffer.concat(
        await Readable.from([stored])
          .pipe(createDecryptStream([identity]))
          .toArray(),
      );
      expect(zstdDecompressSync(compressed).equals(plain)).toBe(true);
      const read: Buffer[] = [];
      await readDecrypted({
        path,
        part: { file: name, format: 'pg_dump-custom', ...written, rowCounts: {} },
        identities: [identity],
        consumer: new Writable({
          write(chunk: Buffer, _encoding, callback) {
            read.push(Buffer.from(chunk));
            callback();
          },
        }),
        signal,
      });
      expect(Buffer.concat(read).equals(plain)).toBe(true);
    },
  );
});
