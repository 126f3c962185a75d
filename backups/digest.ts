import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface StreamDigest {
  readonly bytes: number;
  readonly sha256: string;
}

/** A pass-through that counts and hashes what flows through it; `result()` after the end. */
export interface DigestStream extends Transform {
  result(): StreamDigest;
}

export function createDigestStream(onBytes?: (total: number) => void): DigestStream {
  const hash = createHash('sha256');
  let bytes = 0;
  let sha256: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes?.(bytes);
      callback(null, chunk);
    },
    flush(callback) {
      sha256 = hash.digest('hex');
      callback();
    },
  });
  return Object.assign(stream, {
    result(): StreamDigest {
      if (sha256 === undefined) throw new Error('backups: digest read before the stream ended');
      return { bytes, sha256 };
    },
  });
}
