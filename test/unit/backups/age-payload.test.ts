import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createAgeEncryptStream } from '../../../backups/age-payload.ts';

const identity = await generateX25519Identity();
const recipient = await identityToRecipient(identity);

/** Deterministic bytes that do not repeat within a chunk. */
function bytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += 32) {
    createHash('sha256').update(String(at)).digest().copy(out, at);
  }
  return out;
}

async function encrypt(plain: Buffer, pieces: number): Promise<Buffer> {
  const step = Math.max(1, Math.ceil(plain.length / pieces));
  const parts: Buffer[] = [];
  for (let at = 0; at < plain.length; at += step) parts.push(plain.subarray(at, at + step));
  return buffer(Readable.from(parts).pipe(createAgeEncryptStream([recipient])));
}

async function decrypt(file: Buffer): Promise<Buffer> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  return Buffer.from(await decrypter.decrypt(file));
}

describe('the age payload sealed with the native cipher', () => {
  // Empty, under one chunk, exactly one and two chunks (the last one full), one byte over.
  it.each([0, 1, 65_535, 65_536, 65_537, 131_072, 200_000])(
    'a %i-byte stream decrypts to the same bytes with the age-encryption package',
    async (size) => {
      const plain = bytes(size);
      const file = await encrypt(plain, 3);
      // Header, 16-byte nonce, then 16 bytes of tag per 64 KiB chunk (at least one chunk).
      const chunks = Math.max(1, Math.ceil(size / 65_536));
      expect(file.length).toBeGreaterThan(size + 16 + 16 * chunks);
      expect((await decrypt(file)).equals(plain)).toBe(true);
    },
  );

  // Pieces of exactly one chunk, as pipes and files give them: each is held, then sealed whole.
  it.each([5 * 65_536, 5 * 65_536 + 100])(
    'a %i-byte stream written in 64 KiB pieces decrypts to the same bytes',
    async (size) => {
      const plain = bytes(size);
      expect((await decrypt(await encrypt(plain, Math.ceil(size / 65_536)))).equals(plain)).toBe(
        true,
      );
    },
  );

  it('a stream written in 1,000 small pieces decrypts to the same bytes', async () => {
    const plain = bytes(200_000);
    expect((await decrypt(await encrypt(plain, 1000))).equals(plain)).toBe(true);
  });

  it('a flipped byte in the payload fails decryption', async () => {
    const file = await encrypt(bytes(100_000), 2);
    const last = file.length - 100;
    file[last] = (file[last] ?? 0) ^ 1;
    await expect(decrypt(file)).rejects.toThrow();
  });

  it('a recipient that is not an age recipient is refused when the stream is made', () => {
    expect(() => createAgeEncryptStream(['not-a-recipient'])).toThrow(/recipient/);
  });
});
