/**
 * The manifest: what a backup is. It is written last, so a backup exists if and only if its
 * manifest does (see repository.ts). Versioned: a reader refuses a schema it does not know
 * instead of guessing.
 */
import { z } from 'zod';
import { backupTargets, verificationLevels, type BackupState } from '../catalog/labels.ts';

export const manifestSchemaVersion = 1;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const bytes = z.number().int().min(0);
const instant = z.iso.datetime();
const stream = z.object({ bytes, sha256 }).strict();

/** What one data file holds; a Qdrant backup has one part per collection. */
const part = z
  .object({
    /** File name in the repository. */
    file: z.string().regex(/^[A-Za-z0-9._-]+$/),
    /** `pg_dump-custom`, `pg_basebackup-tar`, `pglite-datadir-tar` or `qdrant-snapshot`. */
    format: z.enum([
      'pg_dump-custom',
      'pg_basebackup-tar',
      'pglite-datadir-tar',
      'qdrant-snapshot',
    ]),
    /** The Qdrant collection, for snapshot parts. */
    collection: z.string().min(1).optional(),
    /** Aliases pointing at the collection when it was copied. */
    aliases: z.array(z.string().min(1)).optional(),
    /**
     * The stream the source produced, before compression and encryption; with
     * `sourceCompressed`, before encryption only: the zstd stream as the source sent it.
     */
    plain: stream,
    /**
     * `zstd`: the source compressed the part itself (pg_basebackup's server-side zstd) and the
     * pipeline stored it without compressing it again. Absent: the pipeline compressed it.
     */
    sourceCompressed: z.literal('zstd').optional(),
    /** The file as stored. */
    stored: stream,
    /** Table of contents: rows (points, for Qdrant) per table at the snapshot of the dump. */
    rowCounts: z.record(z.string(), z.number().int().min(0)),
  })
  .strict();

const verification = z
  .object({
    level: z.enum(verificationLevels),
    at: instant,
    ok: z.boolean(),
    /** Stable reason of a failure (`sha256_mismatch`, `row_count_mismatch`, …). */
    reason: z.string().optional(),
    detail: z.string().optional(),
    durationSeconds: z.number().min(0),
  })
  .strict();

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(manifestSchemaVersion),
    id: z.string().regex(/^[a-z]+-\d{8}T\d{9}Z$/),
    target: z.enum(backupTargets),
    startedAt: instant,
    finishedAt: instant,
    /** Where the data came from, without credentials. */
    source: z.record(z.string(), z.string()),
    tools: z.record(z.string(), z.string()),
    compression: z.object({ algorithm: z.literal('zstd'), level: z.number().int() }).strict(),
    encryption: z
      .object({ format: z.literal('age'), recipients: z.array(z.string()).min(1) })
      .strict(),
    parts: z.array(part).min(1),
    /** Base backups: the WAL range that makes them consistent (from `pg_basebackup -v`). */
    wal: z
      .object({
        timeline: z.number().int().min(1),
        startLsn: z.string().regex(/^[0-9A-F]+\/[0-9A-F]+$/),
        stopLsn: z.string().regex(/^[0-9A-F]+\/[0-9A-F]+$/),
        startSegment: z.string().regex(/^[0-9A-F]{24}$/),
        stopSegment: z.string().regex(/^[0-9A-F]{24}$/),
        /** Where the parts' row counts hold exactly (postgres/restore-point.ts); level 2 stops there. */
        restorePoint: z
          .object({
            name: z.string().regex(/^[a-z0-9_]{1,63}$/),
            lsn: z.string().regex(/^[0-9A-F]+\/[0-9A-F]+$/),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    verifications: z.array(verification),
  })
  .strict();

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestPart = Manifest['parts'][number];
export type ManifestWal = NonNullable<Manifest['wal']>;
export type Verification = Manifest['verifications'][number];

export function parseManifest(text: string, origin: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new Error(`backups: manifest ${origin} is not JSON`, { cause });
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== manifestSchemaVersion) {
    throw new Error(
      `backups: manifest ${origin} has schema version ${JSON.stringify(version)}; this build reads ${manifestSchemaVersion}`,
    );
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`backups: manifest ${origin} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`;
}

/**
 * Missing when a data file is gone or resized (`missing`, from the repository's listing),
 * else verified when the latest verification passed, failed when it failed, else unverified.
 */
export function stateOf(manifest: Manifest, missing = false): BackupState {
  if (missing) return 'missing';
  const last = manifest.verifications.at(-1);
  if (last === undefined) return 'unverified';
  return last.ok ? 'verified' : 'failed';
}

/** The newest verification at a level, if any. */
export function lastVerification(
  manifest: Manifest,
  level: Verification['level'],
): Verification | undefined {
  return manifest.verifications.filter((v) => v.level === level).at(-1);
}

/** `postgres-20261128T171325123Z`: the target and the UTC start, to the millisecond. */
export function backupId(target: Manifest['target'], startedAt: Date): string {
  return `${target}-${startedAt.toISOString().replace(/[-:.]/g, '')}`;
}
