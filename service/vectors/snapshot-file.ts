import { createHash } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { DocumentInfo } from './collection-vectors.ts';

/**
 * The in-process vector index saved to one file, so a restart need not re-read every vector from
 * the database. Layout: magic, header length, JSON header (store generation, per collection its
 * id, dimension, row keys and previews, and each document's title and metadata), padding to 4 bytes, the float32 rows of each collection in header
 * order, then a SHA-256 of everything before it. The file is derived data: a missing, corrupt or
 * stale one only means a rebuild from the store.
 */

// Version 2 added previews and document infos: a version 1 file reads as corrupt and is rebuilt.
const magic = Buffer.from('AIDBVEC2');

export interface SnapshotCollection {
  readonly id: number;
  readonly dimension: number;
  readonly documents: readonly string[];
  readonly chunks: readonly number[];
  readonly previews: readonly string[];
  readonly infos: Iterable<readonly [string, DocumentInfo]>;
  readonly rows: Float32Array;
}

export interface Snapshot {
  /** The store's write generation the rows reflect. */
  readonly generation: string;
  readonly collections: readonly SnapshotCollection[];
}

interface Header {
  generation: string;
  collections: {
    id: number;
    dimension: number;
    documents: string[];
    chunks: number[];
    previews: string[];
    infos: [string, DocumentInfo][];
  }[];
}

/** Writes the snapshot beside its final name, flushes it, then renames it into place. */
export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  const header: Header = {
    generation: snapshot.generation,
    collections: snapshot.collections.map((c) => ({
      id: c.id,
      dimension: c.dimension,
      documents: [...c.documents],
      chunks: [...c.chunks],
      previews: [...c.previews],
      infos: [...c.infos].map(([id, info]) => [id, info]),
    })),
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const padding = Buffer.alloc((4 - ((magic.length + 4 + json.length) % 4)) % 4);
  const parts = [
    magic,
    length,
    json,
    padding,
    ...snapshot.collections.map((c) =>
      Buffer.from(c.rows.buffer, c.rows.byteOffset, c.rows.byteLength),
    ),
  ];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writev([...parts, hash.digest()]);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}

/** Why a snapshot cannot be used, or the snapshot. */
export type SnapshotRead =
  | { readonly ok: true; readonly snapshot: Snapshot }
  | { readonly ok: false; readonly reason: 'missing' | 'corrupt' };

export async function readSnapshot(path: string): Promise<SnapshotRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  try {
    const body = bytes.subarray(0, bytes.length - 32);
    const digest = createHash('sha256').update(body).digest();
    if (
      bytes.length < magic.length + 36 ||
      !body.subarray(0, magic.length).equals(magic) ||
      !digest.equals(bytes.subarray(bytes.length - 32))
    )
      return { ok: false, reason: 'corrupt' };
    const jsonLength = body.readUInt32LE(magic.length);
    const jsonStart = magic.length + 4;
    const header = JSON.parse(
      body.subarray(jsonStart, jsonStart + jsonLength).toString('utf8'),
    ) as Header;
    let at = jsonStart + jsonLength;
    at += (4 - (at % 4)) % 4;
    const collections = header.collections.map((c) => {
      const floats = c.documents.length * c.dimension;
      // A copy: the file's buffer may not be 4-byte aligned, and it is freed after loading.
      const rows = new Float32Array(floats);
      new Uint8Array(rows.buffer).set(body.subarray(at, at + floats * 4));
      at += floats * 4;
      if (c.chunks.length !== c.documents.length || c.previews.length !== c.documents.length)
        throw new Error('keys do not match');
      return { ...c, rows };
    });
    if (at !== body.length) return { ok: false, reason: 'corrupt' };
    return { ok: true, snapshot: { generation: header.generation, collections } };
  } catch {
    return { ok: false, reason: 'corrupt' };
  }
}

export async function removeSnapshot(path: string): Promise<void> {
  await rm(path, { force: true });
}
