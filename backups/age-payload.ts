/**
 * The payload of an age file (age-encryption.org/v1, "Payload"), encrypted with Node's native
 * ChaCha20-Poly1305: `age-encryption` does the same in JavaScript at ~45 MB/s here, which made
 * encryption the slowest stage of a backup (bench:backup's stage timings); OpenSSL does ~290 MB/s.
 * The header (recipients, MAC) stays `age-encryption`'s; this only takes over the STREAM: the
 * payload key is HKDF-SHA-256(file key, salt = 16-byte nonce, "payload"), the plaintext goes in
 * 64 KiB chunks, each sealed under the nonce 11-byte big-endian counter ‖ last-chunk flag.
 */
import { createCipheriv, hkdfSync } from 'node:crypto';
import { Transform } from 'node:stream';

const chunkSize = 64 * 1024;

/** Seals chunk `counter`; `last` sets the final-chunk flag, as the format requires once. */
function seal(key: Buffer, counter: number, last: boolean, plain: Buffer): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** What the header fixed: the file key, the header bytes and the payload nonce. */
export interface AgeFileStart {
  readonly fileKey: Uint8Array;
  readonly header: Uint8Array;
  readonly nonce: Uint8Array;
}

/**
 * Writes the header and nonce, then the plaintext as sealed chunks. A full chunk is held back
 * until more data shows it is not the last one; an empty input is one empty final chunk.
 */
export function createPayloadEncryptStream(begin: Promise<AgeFileStart>): Transform {
  let key: Buffer | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let counter = 0;
  const started = async (stream: Transform): Promise<Buffer> => {
    if (key !== undefined) return key;
    const { fileKey, header, nonce } = await begin;
    key = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
    stream.push(Buffer.concat([header, nonce]));
    return key;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      started(this)
        .then((sealKey) => {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes <= chunkSize) return;
          const all = Buffer.concat(pending);
          let offset = 0;
          // Strictly more than a chunk left: the one sealed now is not the last.
          while (all.length - offset > chunkSize) {
            this.push(seal(sealKey, counter, false, all.subarray(offset, offset + chunkSize)));
            counter += 1;
            offset += chunkSize;
          }
          pending = [all.subarray(offset)];
          pendingBytes = all.length - offset;
        })
        .then(() => {
          callback();
        }, callback);
    },
    flush(callback) {
      started(this).then((sealKey) => {
        callback(null, seal(sealKey, counter, true, Buffer.concat(pending)));
      }, callback);
    },
  });
}
