import type { Readable } from 'node:stream';
import type { FailureReason } from './errors.ts';
import type { ManifestPart, ManifestWal } from './manifest.ts';
import type { StreamDigest } from './digest.ts';
import type { BackupTarget } from '../catalog/labels.ts';

/** One stream a source produces; a backup stores one file per part. */
export interface SourcePart {
  /** Infix of the data file name: `dump`, `datadir`, `collection-1` … */
  readonly name: string;
  readonly format: ManifestPart['format'];
  readonly collection?: string;
  readonly aliases?: readonly string[];
  readonly stream: Readable;
  /**
   * The source compressed the stream itself (pg_basebackup's server-side zstd, at the level
   * `parts` was given): the pipeline does not compress it again and its plain digest covers the
   * zstd stream as received; readers still decompress it into the archive.
   */
  readonly compressed?: 'zstd';
  /** Reason reported when the stream breaks. */
  readonly failureReason: FailureReason;
  /**
   * After the stream was consumed: waits until its producer finished cleanly (child exit status,
   * checksum) and returns the row counts of the table of contents.
   */
  finish(plain: StreamDigest): Promise<Record<string, number>>;
  /** Base backups: the WAL range that makes the part consistent, known once `finish` returned. */
  walRange?(): ManifestWal;
  /** Always called, success or not: releases server-side state (snapshot, transaction, child). */
  close(): Promise<void>;
}

/** Where a backup's data comes from. */
export interface BackupSource {
  readonly target: BackupTarget;
  /** Recorded in the manifest; never a credential. */
  readonly description: Readonly<Record<string, string>>;
  tools(signal: AbortSignal): Promise<Record<string, string>>;
  parts(signal: AbortSignal, options: PartsOptions): AsyncIterable<SourcePart>;
}

export interface PartsOptions {
  /** The backup's zstd level, for a source that compresses its own stream. */
  readonly compressionLevel: number;
}
