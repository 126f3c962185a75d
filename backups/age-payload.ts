/**
 * Encryption to age (age-encryption.org/v1) with the payload sealed by Node's own
 * ChaCha20-Poly1305 (OpenSSL) instead of the `age-encryption` package's JavaScript one, which
 * took most of the pipeline's encryption time (bench/RESULTS.md). The package still makes the
 * header (file key, recipient stanzas, MAC); this file only does the payload's STREAM: 64 KiB
 * chunks, each sealed under an 11-byte big-endian counter and a last-chunk flag as nonce.
 */
import { createCipheriv, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { Transform } from 'node:stream';
import { Encrypter } from 'age-encryption';

const chunkSize = 64 * 1024;
const tagSize = 16;
const payloadNonceSize = 16;

/** The header and payload nonce to write first, and the key that seals the payload. */
async function begin(
  encrypter: Encrypter,
  fileKey: () => Uint8Array,
): Promise<{
  readonly prefix: Buffer;
  readonly key: KeyObject;
}> {
  // An empty file is the header, the payload nonce and one sealed empty last chunk (its tag).
  // That chunk is dropped unwritten, so its nonce is never seen beside the payload's own.
  const empty = await encrypter.encrypt(new Uint8Array(0));
  const prefix = Buffer.from(empty.subarray(0, empty.length - tagSize));
  const nonce = prefix.subarray(prefix.length - payloadNonceSize);
  // One KeyObject for every chunk: made from a Buffer, each chunk's cipher paid ~9 µs for it.
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', fileKey(), nonce, 'payload', 32)));
  return { prefix, key };
}

/** Seals one chunk, adding its ciphertext and tag to `sealed`. */
function seal(
  key: KeyObject,
  counter: number,
  last: boolean,
  plain: Buffer,
  sealed: Buffer[],
): void {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(counter), 3);
  nonce[11] = last ? 1 : 0;
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: tagSize });
  sealed.push(cipher.update(plain), cipher.final(), cipher.getAuthTag());
}

/** A Transform from plain bytes to an age file for `recipients` (age1… X25519 or others). */
export function createAgeEncryptStream(recipients: readonly string[]): Transform {
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  let fileKey: Uint8Array | undefined;
  // Sees the file key the package draws for this file; adds no stanza to the header.
  encrypter.addRecipient({
    wrapFileKey(key) {
      fileKey = key;
      return [];
    },
  });
  let key: KeyObject = createSecretKey(Buffer.alloc(0));
  let counter = 0;
  // Plain bytes not sealed yet: a full chunk is kept until more follows, since the last chunk
  // (which may be full) is sealed with the last flag.
  let pending: Buffer = Buffer.alloc(0);
  const stream: Transform = new Transform({
    construct(callback) {
      begin(encrypter, () => fileKey ?? new Uint8Array(0)).then(
        (started) => {
          key = started.key;
          stream.push(started.prefix);
          callback();
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
    transform(chunk: Buffer, _encoding, callback) {
      // Only a chunk that straddles two inputs is copied; the rest is sealed in place. What an
      // input seals goes on as one Buffer: a write and a digest update per input, not per chunk.
      const sealed: Buffer[] = [];
      let at = 0;
      if (pending.length > 0) {
        const missing = chunkSize - pending.length;
        if (chunk.length <= missing) {
          pending = Buffer.concat([pending, chunk]);
          callback();
          return;
        }
        // A full chunk held back (inputs of exactly 64 KiB, as pipes and files give them) is
        // sealed as it is: copying it made encrypting a 512 MiB file 1.10 → 1.43 s.
        const full = missing === 0 ? pending : Buffer.concat([pending, chunk.subarray(0, missing)]);
        seal(key, counter, false, full, sealed);
        counter += 1;
        at = missing;
      }
      while (chunk.length - at > chunkSize) {
        seal(key, counter, false, chunk.subarray(at, at + chunkSize), sealed);
        counter += 1;
        at += chunkSize;
      }
      pending = chunk.subarray(at);
      callback(null, sealed.length > 0 ? Buffer.concat(sealed) : undefined);
    },
    flush(callback) {
      const sealed: Buffer[] = [];
      seal(key, counter, true, pending, sealed);
      callback(null, Buffer.concat(sealed));
    },
  });
  return stream;
}
