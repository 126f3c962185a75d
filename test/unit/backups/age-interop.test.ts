import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createDecryptStream, createEncryptStream } from '../../../backups/age.ts';
import { BackupError } from '../../../backups/errors.ts';
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

describe('age files with the native payload', () => {
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

  // Empty, exactly one and two chunks (no short last chunk), and a short last chunk.
  it.each([0, chunk, 2 * chunk, 3 * chunk + 5])(
    'a %i-byte file written by the age CLI decrypts natively, fed in any pieces',
    async (size) => {
      const identities = [await generateX25519Identity(), await generateX25519Identity()];
      const recipients = await Promise.all(identities.map((i) => identityToRecipient(i)));
      const data = randomBytes(size);
      const dir = await mkdtemp(join(tmpdir(), 'aidb-age-'));
      await writeFile(join(dir, 'plain'), data);
      await run(binaryPath(binaries.age), [
        ...recipients.flatMap((r) => ['--recipient', r]),
        '--output',
        join(dir, 'file.age'),
        join(dir, 'plain'),
      ]);
      const file = await readFile(join(dir, 'file.age'));
      for (const piece of [chunk, 1000, 1 << 20]) {
        const opened = await through(file, piece, createDecryptStream([identities[1] ?? '']));
        expect(opened.equals(data)).toBe(true);
      }
      // Cut by one byte: the last chunk's tag no longer matches.
      const cut = through(file.subarray(0, -1), chunk, createDecryptStream([identities[0] ?? '']));
      await expect(cut).rejects.toBeInstanceOf(BackupError);
      await expect(cut).rejects.toMatchObject({ check: 'decrypt_failed' });
    },
  );
});
