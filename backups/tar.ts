/**
 * Reads a whole tar archive (POSIX ustar, as PGlite's `dumpDataDir` and Qdrant snapshots write)
 * without keeping it: every header's checksum is checked, every member's data is skipped by
 * size, and the archive must end with its zero blocks. A truncated or corrupted archive fails.
 */
import { Writable } from 'node:stream';
import { checkFailed } from './errors.ts';

const block = 512;

export interface TarSummary {
  readonly entries: number;
  readonly dataBytes: number;
}

/** Header field at [offset, offset + length) as an octal or base-256 (GNU) number. */
function numberField(header: Buffer, offset: number, length: number): number {
  const field = header.subarray(offset, offset + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

/** ustar checksum: the header's byte sum with the checksum field read as spaces. */
function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < block; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === numberField(header, 148, 8);
}

export interface TarReader extends Writable {
  /** Valid after the stream finished without error. */
  summary(): TarSummary;
}

export function createTarReader(): TarReader {
  let pending = Buffer.alloc(0);
  let skip = 0;
  let entries = 0;
  let dataBytes = 0;
  let zeroBlocks = 0;
  const consume = (chunk: Buffer): void => {
    let data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, data.length);
        skip -= n;
        data = data.subarray(n);
        if (skip > 0) break;
      }
      if (data.length < block) break;
      const header = data.subarray(0, block);
      data = data.subarray(block);
      if (header.every((byte) => byte === 0)) {
        zeroBlocks += 1;
        continue;
      }
      if (zeroBlocks > 0)
        throw checkFailed('archive_invalid', 'tar: data after the end-of-archive blocks');
      if (!checksumOk(header)) {
        throw checkFailed('archive_invalid', `tar: bad header checksum at entry ${entries + 1}`);
      }
      const size = numberField(header, 124, 12);
      entries += 1;
      dataBytes += size;
      skip = Math.ceil(size / block) * block;
    }
    pending = Buffer.from(data);
  };
  const reader = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        consume(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    final(callback) {
      if (skip > 0 || pending.length > 0 || zeroBlocks === 0) {
        callback(checkFailed('archive_invalid', 'tar: archive is truncated'));
        return;
      }
      callback();
    },
  });
  return Object.assign(reader, {
    summary: (): TarSummary => ({ entries, dataBytes }),
  });
}
