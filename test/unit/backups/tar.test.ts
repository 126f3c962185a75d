import fc from 'fast-check';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createTarReader, type TarSummary } from '../../../backups/tar.ts';
import { tarArchive } from '../../support/tar.ts';

/** Feeds `data` in chunks of `size` bytes and returns the summary or the error message. */
async function read(data: Buffer, size = 4096): Promise<TarSummary | string> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
  const reader = createTarReader();
  try {
    await pipeline(Readable.from(chunks), reader);
    return reader.summary();
  } catch (error) {
    return (error as Error).message;
  }
}

const archive = tarArchive([
  { name: 'PG_VERSION', content: Buffer.from('18\n') },
  { name: 'base/1/1259', content: Buffer.alloc(20_000, 7) },
  { name: 'empty', content: Buffer.alloc(0) },
]);

describe('tar reader', () => {
  it('reads a whole archive and counts its members', async () => {
    expect(await read(archive)).toEqual({ entries: 3, dataBytes: 20_003 });
  });

  it('gives the same answer whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), async (size) => {
        expect(await read(archive, size)).toEqual({ entries: 3, dataBytes: 20_003 });
      }),
      { numRuns: 40 },
    );
  });

  it('fails every truncation before the end-of-archive blocks', async () => {
    const end = archive.length - 1024;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: end - 1 }), async (cut) => {
        expect(await read(archive.subarray(0, cut))).toMatch(
          /^backups: tar: (archive is truncated|bad header checksum at entry \d+)$/,
        );
      }),
      { numRuns: 100 },
    );
  });

  const damaged = [
    {
      name: 'a flipped byte in a header fails its checksum',
      data: () => {
        const copy = Buffer.from(archive);
        copy[10] = (copy[10] ?? 0) ^ 1;
        return copy;
      },
      message: 'backups: tar: bad header checksum at entry 1',
    },
    {
      name: 'data after the end-of-archive blocks is refused',
      data: () => Buffer.concat([archive, tarArchive([{ name: 'x', content: Buffer.from('y') }])]),
      message: 'backups: tar: data after the end-of-archive blocks',
    },
    {
      name: 'an archive without end blocks is truncated',
      data: () => archive.subarray(0, archive.length - 1024),
      message: 'backups: tar: archive is truncated',
    },
    {
      name: 'an empty stream is not an archive',
      data: () => Buffer.alloc(0),
      message: 'backups: tar: archive is truncated',
    },
  ] as const;

  it.each(damaged)('$name', async ({ data, message }) => {
    expect(await read(data())).toBe(message);
  });
});
