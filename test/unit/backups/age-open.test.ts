import {
  Encrypter,
  generateHybridIdentity,
  generateX25519Identity,
  identityToRecipient,
} from 'age-encryption';
import { createCipheriv, createHash, hkdfSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createDecryptStream } from '../../../backups/age.ts';
import { maxHeaderSize } from '../../../backups/age-open.ts';
import { createAgeEncryptStream } from '../../../backups/age-payload.ts';
import { BackupError } from '../../../backups/errors.ts';

const identity = await generateX25519Identity();
const recipient = await identityToRecipient(identity);
const chunk = 64 * 1024;
const sealed = chunk + 16;

/** Deterministic bytes that do not repeat within a chunk. */
function bytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += 32) {
    createHash('sha256').update(String(at)).digest().copy(out, at);
  }
  return out;
}

/** `file` fed to the native decryption in pieces of `piece` bytes. */
async function open(file: Buffer, piece = 4096, identities = [identity]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let at = 0; at < file.length; at += piece) parts.push(file.subarray(at, at + piece));
  return buffer(Readable.from(parts).pipe(createDecryptStream(identities)));
}

/** The check a failed decryption reports (undefined when it did not fail). */
async function failure(file: Buffer, piece?: number, identities?: string[]): Promise<unknown> {
  try {
    await open(file, piece, identities);
    return undefined;
  } catch (error) {
    return error instanceof BackupError ? error.check : error;
  }
}

async function packageFile(plain: Buffer): Promise<Buffer> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return Buffer.from(await encrypter.encrypt(plain));
}

async function nativeFile(plain: Buffer): Promise<Buffer> {
  return buffer(Readable.from([plain]).pipe(createAgeEncryptStream([recipient])));
}

/** The payload start of `file` (after header and nonce), and its payload key. */
function payloadOf(file: Buffer, fileKey: Uint8Array): { start: number; key: Buffer } {
  const headerEnd = file.indexOf('\n', file.indexOf('\n--- ') + 1) + 1;
  const nonce = file.subarray(headerEnd, headerEnd + 16);
  return {
    start: headerEnd + 16,
    key: Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32)),
  };
}

/** A file whose payload chunks are sealed as given, to build what no writer would. */
async function crafted(chunks: readonly { plain: Buffer; last: boolean }[]): Promise<Buffer> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  let fileKey: Uint8Array = new Uint8Array(0);
  encrypter.addRecipient({
    wrapFileKey(key) {
      fileKey = key;
      return [];
    },
  });
  const empty = Buffer.from(await encrypter.encrypt(new Uint8Array(0)));
  const { start, key } = payloadOf(empty, fileKey);
  const sealedChunks = chunks.map(({ plain, last }, counter) => {
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(counter, 5, 6);
    nonce[11] = last ? 1 : 0;
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  });
  return Buffer.concat([empty.subarray(0, start), ...sealedChunks]);
}

describe('age files opened with the native cipher', () => {
  // Empty, under one chunk, exactly one and two chunks (the last one full), one byte over.
  it.each([0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 200_000])(
    'a %i-byte file from the package and one from the native writer decrypt to the same bytes',
    async (size) => {
      const plain = bytes(size);
      expect((await open(await packageFile(plain))).equals(plain)).toBe(true);
      expect((await open(await nativeFile(plain))).equals(plain)).toBe(true);
    },
  );

  it.each([1, 7, sealed, sealed + 1, 1 << 20])(
    'a file fed in %i-byte pieces decrypts the same',
    async (piece) => {
      const plain = bytes(3 * chunk + 5);
      expect((await open(await nativeFile(plain), piece)).equals(plain)).toBe(true);
    },
  );

  it('a file is read by the first identity the header names', async () => {
    const other = await generateX25519Identity();
    const plain = bytes(1000);
    expect((await open(await nativeFile(plain), 4096, [other, identity])).equals(plain)).toBe(true);
  });

  it('a file to a post-quantum hybrid recipient opens too: the package reads every header', async () => {
    const hybrid = await generateHybridIdentity();
    const encrypter = new Encrypter();
    encrypter.addRecipient(await identityToRecipient(hybrid));
    const plain = bytes(chunk + 3);
    const file = Buffer.from(await encrypter.encrypt(plain));
    expect(headerEnd(file)).toBeLessThan(maxHeaderSize);
    expect((await open(file, 4096, [hybrid])).equals(plain)).toBe(true);
  });

  it('a wrong identity fails with decrypt_failed', async () => {
    const other = await generateX25519Identity();
    expect(await failure(await nativeFile(bytes(1000)), 4096, [other])).toBe('decrypt_failed');
  });

  it.each([
    ['a flipped byte in the header', (file: Buffer) => flip(file, 30)],
    ['a flipped byte in the MAC', (file: Buffer) => flip(file, file.indexOf('\n--- ') + 8)],
    ['a flipped byte in the payload nonce', (file: Buffer) => flip(file, headerEnd(file) + 3)],
    ['a flipped byte in the first chunk', (file: Buffer) => flip(file, headerEnd(file) + 100)],
    ['a flipped byte in the last tag', (file: Buffer) => flip(file, file.length - 1)],
    [
      'a cut at a chunk boundary',
      (file: Buffer) => file.subarray(0, headerEnd(file) + 16 + sealed),
    ],
    ['a cut within a chunk', (file: Buffer) => file.subarray(0, headerEnd(file) + 16 + 1000)],
    ['a cut within the last tag', (file: Buffer) => file.subarray(0, file.length - 1)],
    ['a cut after the nonce', (file: Buffer) => file.subarray(0, headerEnd(file) + 16)],
    ['a cut within the nonce', (file: Buffer) => file.subarray(0, headerEnd(file) + 5)],
    ['a cut within the header', (file: Buffer) => file.subarray(0, 40)],
    ['one trailing byte', (file: Buffer) => Buffer.concat([file, Buffer.from([0])])],
    ['a trailing chunk', (file: Buffer) => Buffer.concat([file, file.subarray(-sealed)])],
    ['two chunks swapped', (file: Buffer) => swapFirstChunks(file)],
  ])('%s fails with decrypt_failed', async (_name, damage) => {
    // Two full chunks and a short one, so boundaries and the last chunk are both covered.
    const file = damage(await nativeFile(bytes(2 * chunk + 100)));
    expect(await failure(file)).toBe('decrypt_failed');
    expect(await failure(file, 1 << 20)).toBe('decrypt_failed');
  });

  it('an empty file cut before its only (empty) chunk fails', async () => {
    const file = await nativeFile(Buffer.alloc(0));
    expect(await failure(file.subarray(0, file.length - 16))).toBe('decrypt_failed');
  });

  it('a chunk that is not full before the last fails, though each tag is right', async () => {
    const file = await crafted([
      { plain: bytes(100), last: false },
      { plain: bytes(100), last: true },
    ]);
    expect(await failure(file)).toBe('decrypt_failed');
  });

  it('an empty last chunk after a full one fails; as the only chunk it is an empty file', async () => {
    const after = await crafted([
      { plain: bytes(chunk), last: false },
      { plain: Buffer.alloc(0), last: true },
    ]);
    expect(await failure(after)).toBe('decrypt_failed');
    const only = await crafted([{ plain: Buffer.alloc(0), last: true }]);
    expect((await open(only)).length).toBe(0);
    const full = await crafted([
      { plain: bytes(chunk), last: false },
      { plain: bytes(5), last: true },
    ]);
    expect((await open(full)).equals(Buffer.concat([bytes(chunk), bytes(5)]))).toBe(true);
  });

  it('a header longer than the bound is refused before the whole file is read', async () => {
    const file = await nativeFile(bytes(10));
    const long = Buffer.concat([
      Buffer.from('age-encryption.org/v1\n'),
      Buffer.alloc(maxHeaderSize + 1, 'A'),
      file.subarray(file.indexOf('\n') + 1),
    ]);
    expect(await failure(long)).toBe('decrypt_failed');
    // Bytes that never make a header: refused once the bound is passed, not at the end.
    const endless = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i += 1) yield Buffer.alloc(chunk, 'A');
        throw new Error('read past the bound');
      })(),
    );
    await expect(buffer(endless.pipe(createDecryptStream([identity])))).rejects.toMatchObject({
      check: 'decrypt_failed',
    });
  });

  it('a file that is not age fails with decrypt_failed', async () => {
    expect(await failure(Buffer.from('hello\n--- abc\nmore'))).toBe('decrypt_failed');
    expect(await failure(Buffer.alloc(0))).toBe('decrypt_failed');
  });
});

function headerEnd(file: Buffer): number {
  return file.indexOf('\n', file.indexOf('\n--- ') + 1) + 1;
}

function flip(file: Buffer, at: number): Buffer {
  const copy = Buffer.from(file);
  copy[at] = (copy[at] ?? 0) ^ 1;
  return copy;
}

function swapFirstChunks(file: Buffer): Buffer {
  const start = headerEnd(file) + 16;
  return Buffer.concat([
    file.subarray(0, start),
    file.subarray(start + sealed, start + 2 * sealed),
    file.subarray(start, start + sealed),
    file.subarray(start + 2 * sealed),
  ]);
}
