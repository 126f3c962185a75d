/**
 * Decryption of age files (age-encryption.org/v1) with the payload opened by Node's own
 * ChaCha20-Poly1305, the reading twin of age-payload.ts: the package's JavaScript cipher and
 * web streams took a tenth of a verification's CPU and most of its garbage (bench/RESULTS.md).
 * The package still reads the header (`Decrypter.decryptHeader`: every identity type it knows,
 * and the header's MAC); this file cuts the header off the stream and opens the STREAM chunks.
 * The caller turns every failure into one reason (age.ts: `decrypt_failed`).
 */
import { createDecipheriv, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { Decrypter } from 'age-encryption';

const chunkSize = 64 * 1024;
const tagSize = 16;
const sealedSize = chunkSize + tagSize;
const payloadNonceSize = 16;
/**
 * A header longer than this is refused rather than buffered: one X25519 stanza takes ~110
 * bytes and a post-quantum one ~1.6 KB, so real files stay far below it.
 */
export const maxHeaderSize = 256 * 1024;
const macLinePrefix = Buffer.from('--- ');

/** Why a file cannot be opened; the caller turns it into its own error. */
export class AgeOpenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AgeOpenError';
  }
}

/** Opens one sealed chunk; throws unless its tag matches this key, position and flag. */
function openChunk(key: KeyObject, counter: number, last: boolean, sealed: Buffer): Buffer {
  if (sealed.length < tagSize) throw new AgeOpenError('truncated payload chunk');
  const nonce = Buffer.alloc(12);
  // The counter's top five bytes stay zero: 2^48 chunks are 16 EiB.
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: tagSize });
  decipher.setAuthTag(sealed.subarray(sealed.length - tagSize));
  // Nothing is released before final() has checked the tag.
  const plain = decipher.update(sealed.subarray(0, sealed.length - tagSize));
  try {
    decipher.final();
  } catch (cause) {
    throw new AgeOpenError(
      `payload chunk ${counter} fails authentication (wrong key, altered, truncated or extended)`,
      { cause },
    );
  }
  return plain;
}

/**
 * A Transform from an age file to its plain bytes, for any of `identities`. A chunk is opened
 * as the last one only when the input has ended after it, so one sealed chunk is always held
 * back; truncation, trailing bytes and reordering all fail a tag.
 */
export function createAgeDecryptStream(
  identities: readonly string[],
  explain: (error: Error) => Error = (error) => error,
): Transform {
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  // Before the payload: the header and payload nonce so far, grown by doubling (bounded).
  let start: Buffer | undefined = Buffer.alloc(1024);
  let startLength = 0;
  let lineStart = 0;
  let headerEnd: number | undefined;
  let fileKey: Uint8Array = new Uint8Array(0);
  let key: KeyObject = createSecretKey(Buffer.alloc(0));
  let counter = 0;
  // Payload bytes not opened yet: at most one sealed chunk, kept until more input follows.
  const held = Buffer.allocUnsafe(sealedSize);
  let heldLength = 0;

  function append(piece: Buffer): Buffer {
    let buffer = start ?? Buffer.alloc(0);
    if (startLength + piece.length > buffer.length) {
      const grown = Buffer.alloc(Math.max(2 * buffer.length, startLength + piece.length));
      buffer.copy(grown, 0, 0, startLength);
      buffer = grown;
      start = grown;
    }
    piece.copy(buffer, startLength);
    startLength += piece.length;
    return buffer.subarray(0, startLength);
  }

  /** The header's end (after the MAC line's newline) once a line starts with `--- `. */
  function findHeaderEnd(bytes: Buffer, from: number): number | undefined {
    for (let nl = bytes.indexOf(0x0a, from); nl >= 0; nl = bytes.indexOf(0x0a, nl + 1)) {
      if (bytes.subarray(lineStart, lineStart + macLinePrefix.length).equals(macLinePrefix)) {
        return nl + 1;
      }
      lineStart = nl + 1;
    }
    return undefined;
  }

  /** Reads the header and payload nonce; then opens what follows them. */
  async function begin(stream: Transform, piece: Buffer): Promise<void> {
    const from = startLength;
    const bytes = append(piece);
    if (headerEnd === undefined) {
      const end = findHeaderEnd(bytes, from);
      if (end === undefined || end > maxHeaderSize) {
        if (bytes.length > maxHeaderSize) throw new AgeOpenError('header too long, or not age');
        return;
      }
      fileKey = await decrypter.decryptHeader(bytes.subarray(0, end));
      headerEnd = end;
    }
    const payload = headerEnd + payloadNonceSize;
    if (bytes.length < payload) return;
    // One KeyObject for every chunk: made from a Buffer, each chunk's decipher paid ~9 µs for it.
    key = createSecretKey(
      Buffer.from(hkdfSync('sha256', fileKey, bytes.subarray(headerEnd, payload), 'payload', 32)),
    );
    start = undefined;
    openPayload(stream, bytes.subarray(payload));
  }

  /** Opens every whole chunk that more input follows (never the last one); holds the rest. */
  function openPayload(stream: Transform, input: Buffer): void {
    let chunk = input;
    if (heldLength > 0) {
      const missing = sealedSize - heldLength;
      if (chunk.length <= missing) {
        chunk.copy(held, heldLength);
        heldLength += chunk.length;
        return;
      }
      // Only a chunk that straddles two inputs is copied; the rest are opened in place.
      chunk.copy(held, heldLength, 0, missing);
      stream.push(openChunk(key, counter, false, held));
      counter += 1;
      heldLength = 0;
      chunk = chunk.subarray(missing);
    }
    let at = 0;
    while (chunk.length - at > sealedSize) {
      stream.push(openChunk(key, counter, false, chunk.subarray(at, at + sealedSize)));
      counter += 1;
      at += sealedSize;
    }
    heldLength = chunk.copy(held, 0, at);
  }

  const stream: Transform = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (start === undefined) {
        try {
          openPayload(stream, chunk);
          callback();
        } catch (error) {
          callback(explain(error as Error));
        }
        return;
      }
      begin(stream, chunk).then(
        () => {
          callback();
        },
        (error: unknown) => {
          callback(explain(error instanceof Error ? error : new Error(String(error))));
        },
      );
    },
    flush(callback: TransformCallback) {
      try {
        if (start !== undefined) throw new AgeOpenError('file ends before its payload');
        // Every chunk before it was opened as not the last one: none left means a cut file.
        if (heldLength === 0) throw new AgeOpenError('payload truncated at a chunk boundary');
        const plain = openChunk(key, counter, true, held.subarray(0, heldLength));
        if (plain.length === 0 && counter > 0) {
          throw new AgeOpenError('empty last chunk after others');
        }
        callback(null, plain);
      } catch (error) {
        callback(explain(error as Error));
      }
    },
  });
  return stream;
}
