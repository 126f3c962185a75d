import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createDecryptStream, createEncryptStream } from '../../../backups/age.ts';
import { binaries, binaryPath } from '../../support/binaries.ts';

const run = promisify(execFile);
const chunk = 64 * 1024;

/** `data` through `stages`, fed in pieces of `piece` bytes, collected. */
async function through(data: Buffer, piece: number, ...stages: NodeJS.ReadWriteStream[]) {
  const out: Buffer[] = [];
  const pieces = function* () {
    for (let i = 0; i < data.length; i += piece) yield data.subarray(i, i + piece);
  };
  await pipeline(
    Readable.from(pieces()),
    ...(stages as [NodeJS.ReadWriteStream]),
    new Writable({
      write(c: Buffer, _e, callback) {
        out.push(c);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('age files with the native payload: age-encryption and the age CLI read them', () => {
  // Empty, one byte, a chunk exactly, a chunk and one byte, two chunks exactly, many chunks.
  const sizes = [0, 1, chunk, chunk + 1, 2 * chunk, 5 * chunk + 777];

  it.each(sizes)('round-trips %i bytes through age-encryption’s decrypter', async (size) => {
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const data = randomBytes(size);
    // Odd piece sizes so chunk boundaries fall inside writes.
    const sealed = await through(data, 10_007, createEncryptStream([recipient]));
    // Header, 16-byte nonce, and one 16-byte tag per 64 KiB chunk (at least one).
    const tags = Math.max(1, Math.ceil(size / chunk)) * 16;
    expect(sealed.length - tags - size).toBeGreaterThan(16);
    expect(await through(sealed, 65_536, createDecryptStream([identity]))).toEqual(data);
  });

  it('is decrypted by the age CLI, with two recipients', async () => {
    const identities = [await generateX25519Identity(), await generateX25519Identity()];
    const recipients = await Promise.all(identities.map((i) => identityToRecipient(i)));
    const data = randomBytes(3 * chunk + 5);
    const dir = await mkdtemp(join(tmpdir(), 'aidb-age-'));
    await writeFile(
      join(dir, 'file.age'),
      await through(data, chunk, createEncryptStream(recipients)),
    );
    await writeFile(join(dir, 'key.txt'), `${identities[1] ?? ''}\n`, { mode: 0o600 });
    const { stdout } = await run(
      binaryPath(binaries.age),
      ['--decrypt', '--identity', join(dir, 'key.txt'), join(dir, 'file.age')],
      { encoding: 'buffer', maxBuffer: 1 << 24 },
    );
    expect(stdout).toEqual(data);
  });

  it('fails decryption when a sealed byte is flipped', async () => {
    const identity = await generateX25519Identity();
    const sealed = await through(
      randomBytes(2 * chunk),
      chunk,
      createEncryptStream([await identityToRecipient(identity)]),
    );
    sealed[sealed.length - 100] = (sealed[sealed.length - 100] ?? 0) ^ 1;
    await expect(through(sealed, chunk, createDecryptStream([identity]))).rejects.toThrow();
  });
});
