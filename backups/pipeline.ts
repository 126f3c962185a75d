/**
 * The two streaming paths of a backup file. Writing: source → SHA-256 of the plain stream →
 * zstd (unless the source compressed it) → age → SHA-256 of the stored stream → sink. Reading:
 * file → SHA-256 → age → zstd → SHA-256 → consumer (the plain SHA-256 before zstd for a part
 * its source compressed). Nothing is buffered beyond the streams' own chunks (64 KiB for age, a
 * few 1 MiB ones around zstd), so memory stays flat whatever the size of the dump; a pacing
 * stage hands back the memory of the chunks already passed as it goes (gc-pacer.ts).
 */
import { createReadStream } from 'node:fs';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createZstdCompress, createZstdDecompress } from 'node:zlib';
import { createDecryptStream, createEncryptStream } from './age.ts';
import { createDigestStream, type StreamDigest } from './digest.ts';
import { pacingStage } from './gc-pacer.ts';
import { BackupError, checkFailed } from './errors.ts';
import type { ManifestPart } from './manifest.ts';

export interface WriteResult {
  readonly plain: StreamDigest;
  readonly stored: StreamDigest;
}

export interface WriteOptions {
  readonly source: Readable;
  readonly sink: Writable;
  readonly recipients: readonly string[];
  readonly compressionLevel: number;
  /** The source already compressed the stream (SourcePart.compressed): no zstd stage. */
  readonly compressed?: 'zstd' | undefined;
  readonly signal: AbortSignal;
  /** Plain bytes read from the source so far. */
  readonly onProgress?: ((bytes: number) => void) | undefined;
}

/**
 * zstd reads and writes 1 MiB chunks: measured ~2× faster than the default 16 KiB
 * (ARCHITECTURE.md). 256 KiB ones would take 4–5 MB off the peak RSS, but the backup of the
 * 1 GiB database took 33.4 s against 29.5–30.1 s (alternating runs, bench/RESULTS.md).
 */
export const zstdChunk = 1024 * 1024;

/**
 * A zstd stream with its input gathered into `zstdChunk`s first. A pipe yields what the producer
 * wrote, ≤ 64 KiB and ~11 KiB on average from pg_dump (65,000 reads for a 707 MiB dump), and
 * each zstd write is a round trip through libuv's threadpool. Gathered, zstd gets one call per
 * MiB and the main thread as many callbacks. The gathering buffers are reused once zstd has
 * taken their bytes (zlib calls a chunk's callback when its input is consumed): allocated
 * afresh, they were as much garbage again as the stream itself.
 */
function gathered(zstd: Transform): [gather: Transform, zstd: Transform] {
  const pooled = new WeakSet<Buffer>();
  const free: Buffer[] = [];
  const take = (): Buffer => {
    const buffer = free.pop() ?? Buffer.allocUnsafe(zstdChunk);
    pooled.add(buffer);
    return buffer;
  };
  let buffer = take();
  let filled = 0;
  const gather = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      // A chunk as large as a gathered one, with nothing gathered before it, goes on as it is.
      if (filled === 0 && chunk.length >= zstdChunk) {
        callback(null, chunk);
        return;
      }
      for (let at = 0; at < chunk.length;) {
        const copied = chunk.copy(buffer, filled, at);
        filled += copied;
        at += copied;
        if (filled === zstdChunk) {
          this.push(buffer);
          buffer = take();
          filled = 0;
        }
      }
      callback();
    },
    flush(callback) {
      callback(null, filled > 0 ? buffer.subarray(0, filled) : null);
    },
  });
  const consume = zstd._transform.bind(zstd);
  zstd._transform = (chunk: Buffer, encoding, callback) => {
    consume(chunk, encoding, (error?: Error | null, data?: unknown) => {
      if (pooled.has(chunk)) free.push(chunk);
      callback(error, data);
    });
  };
  return [gather, zstd];
}

export async function writeEncrypted(options: WriteOptions): Promise<WriteResult> {
  const plain = createDigestStream(options.onProgress);
  const stored = createDigestStream();
  // The pacing stage (gc-pacer.ts) counts the plain stream, in gathered MiBs when there are any.
  const compress = (): Transform[] => {
    if (options.compressed === 'zstd') return pacingStage();
    const [gather, zstd] = gathered(
      createZstdCompress({
        chunkSize: zstdChunk,
        params: { [constants.ZSTD_c_compressionLevel]: options.compressionLevel },
      }),
    );
    return [gather, ...pacingStage(), zstd];
  };
  await pipeline(
    options.source,
    plain,
    ...compress(),
    createEncryptStream(options.recipients),
    stored,
    options.sink,
    { signal: options.signal },
  );
  return { plain: plain.result(), stored: stored.result() };
}

/** Where bytes go that only had to be hashed. */
function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

function compare(what: 'stored' | 'plain', expected: StreamDigest, actual: StreamDigest): void {
  if (actual.bytes !== expected.bytes) {
    throw checkFailed(
      `${what}_size_mismatch`,
      `${what} stream is ${actual.bytes} bytes, the manifest says ${expected.bytes}`,
    );
  }
  if (actual.sha256 !== expected.sha256) {
    throw checkFailed(
      `${what}_sha256_mismatch`,
      `${what} stream SHA-256 is ${actual.sha256}, the manifest says ${expected.sha256}`,
    );
  }
}

/** Re-reads a stored file and checks its size and SHA-256 against the manifest. */
export async function checkStoredDigest(
  path: string,
  part: ManifestPart,
  signal: AbortSignal,
  onProgress?: (bytes: number) => void,
): Promise<void> {
  const digest = createDigestStream(onProgress);
  try {
    await pipeline(createReadStream(path), digest, ...pacingStage(), discard(), { signal });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw checkFailed('missing_file', `data file ${part.file} is missing`, cause);
    }
    throw cause;
  }
  compare('stored', part.stored, digest.result());
}

export interface ReadOptions {
  readonly path: string;
  readonly part: ManifestPart;
  readonly identities: readonly string[];
  /** Consumes the plain stream: an archive reader, a restore, or a file. */
  readonly consumer: Writable;
  readonly signal: AbortSignal;
  readonly onProgress?: ((storedBytes: number) => void) | undefined;
}

/**
 * Decrypts and decompresses a stored file into `consumer`, checking both digests; the plain one
 * before decompression when the source compressed the part (manifest `sourceCompressed`).
 */
export async function readDecrypted(options: ReadOptions): Promise<void> {
  const stored = createDigestStream(options.onProgress);
  const plain = createDigestStream();
  const decompress = createZstdDecompress({ chunkSize: zstdChunk });
  const middle =
    options.part.sourceCompressed === 'zstd' ? [plain, decompress] : [decompress, plain];
  try {
    await pipeline(
      createReadStream(options.path),
      stored,
      createDecryptStream(options.identities),
      ...middle,
      ...pacingStage(),
      options.consumer,
      { signal: options.signal },
    );
  } catch (cause) {
    if (cause instanceof BackupError) throw cause;
    if ((cause as { code?: unknown }).code?.toString().startsWith('ZSTD_') === true) {
      throw checkFailed('decompress_failed', `cannot decompress ${options.part.file}`, cause);
    }
    throw cause;
  }
  compare('stored', options.part.stored, stored.result());
  compare('plain', options.part.plain, plain.result());
}

/** Fails unless an identity opens the file's header: checked before a restore touches anything. */
export async function checkDecryptable(path: string, identities: readonly string[]): Promise<void> {
  const source = createReadStream(path);
  const decrypt = createDecryptStream(identities);
  try {
    await new Promise<void>((resolve, reject) => {
      decrypt.once('readable', resolve);
      decrypt.once('end', resolve);
      decrypt.once('error', reject);
      source.once('error', reject);
      source.pipe(decrypt);
    });
  } finally {
    source.destroy();
    decrypt.destroy();
  }
}
