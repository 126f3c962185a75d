/**
 * The age format (age-encryption.org/v1) as Node streams, through the `age-encryption` package
 * (header, decryption) and Node's native ChaCha20-Poly1305 for the payload it writes
 * (age-payload.ts): X25519 recipients, 64 KiB authenticated chunks, so a flipped or missing byte
 * fails decryption at that chunk and a truncated file fails at the end. The standard `age` tool
 * decrypts what this writes.
 */
import { Decrypter, Encrypter, identityToRecipient } from 'age-encryption';
import { Duplex } from 'node:stream';
import { createPayloadEncryptStream, type AgeFileStart } from './age-payload.ts';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { checkFailed } from './errors.ts';

/** A Duplex whose readable side is produced (asynchronously) from its writable side's data. */
function webDuplex(
  transform: (input: ReadableStream<Uint8Array>) => Promise<ReadableStream<Uint8Array>>,
  explain: (error: unknown) => unknown = (error) => error,
): Duplex {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const output = transform(readable);
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const bridged = new ReadableStream<Uint8Array>({
    async start() {
      try {
        reader = (await output).getReader();
      } catch (error) {
        throw explain(error);
      }
    },
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
      } catch (error) {
        throw explain(error);
      }
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason: unknown) {
      await reader?.cancel(reason);
    },
  });
  // Without a reader yet, a rejected start would be unhandled; the Duplex reports it instead.
  output.catch(() => undefined);
  // The same runtime classes; only the DOM and Node typings of web streams disagree.
  return Duplex.fromWeb({
    readable: bridged as unknown as NodeReadableStream,
    writable,
  });
}

/**
 * The header of a new age file for `recipients`, by `age-encryption`: it encrypts an empty
 * input (header ‖ 16-byte nonce ‖ 16-byte tag of the empty final chunk) while a recipient that
 * adds no stanza keeps the file key, for the native payload (age-payload.ts).
 */
async function startAgeFile(recipients: readonly string[]): Promise<AgeFileStart> {
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  let fileKey: Uint8Array | undefined;
  encrypter.addRecipient({
    wrapFileKey(key) {
      fileKey = key;
      return [];
    },
  });
  const empty = await encrypter.encrypt(new Uint8Array(0));
  if (fileKey === undefined) throw new Error('backups: age produced no file key');
  return {
    fileKey,
    header: empty.subarray(0, empty.length - 32),
    nonce: empty.subarray(empty.length - 32, empty.length - 16),
  };
}

export function createEncryptStream(recipients: readonly string[]): Duplex {
  const begin = startAgeFile(recipients);
  // Reported by the stream when it starts; not unhandled before then.
  begin.catch(() => undefined);
  return createPayloadEncryptStream(begin);
}

/** Decrypts with whichever of `identities` the file's header names (as `age -i` does). */
export function createDecryptStream(identities: readonly string[]): Duplex {
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  // Header and chunk failures alike: wrong key, flipped byte (tag mismatch), truncation.
  return webDuplex(
    (input) => decrypter.decrypt(input),
    (cause) => checkFailed('decrypt_failed', `cannot decrypt: ${(cause as Error).message}`, cause),
  );
}

/** The recipient (`age1…`) of an identity, to check a configuration or describe a key. */
export async function recipientOf(identity: string): Promise<string> {
  return identityToRecipient(identity);
}
