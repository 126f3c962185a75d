/**
 * The age format (age-encryption.org/v1) as Node streams: X25519 (or any recipient type the
 * `age-encryption` package knows) for the header, Node's native ChaCha20-Poly1305 for the
 * payload's 64 KiB authenticated chunks, so a flipped or missing byte fails decryption at that
 * chunk and a truncated file fails at the end. The standard `age` tool reads what this writes,
 * and this reads what it writes.
 */
import { identityToRecipient } from 'age-encryption';
import type { Transform } from 'node:stream';
import { createAgeDecryptStream } from './age-open.ts';
import { createAgeEncryptStream } from './age-payload.ts';
import { checkFailed } from './errors.ts';

/** Encrypts to `recipients`; the payload with Node's native cipher (age-payload.ts). */
export function createEncryptStream(recipients: readonly string[]): Transform {
  return createAgeEncryptStream(recipients);
}

/** Decrypts with whichever of `identities` the file's header names (as `age -i` does). */
export function createDecryptStream(identities: readonly string[]): Transform {
  // Header and chunk failures alike: wrong key, flipped byte (tag mismatch), truncation.
  return createAgeDecryptStream(identities, (cause) =>
    checkFailed('decrypt_failed', `cannot decrypt: ${cause.message}`, cause),
  );
}

/** The recipient (`age1…`) of an identity, to check a configuration or describe a key. */
export async function recipientOf(identity: string): Promise<string> {
  return identityToRecipient(identity);
}
