/**
 * PGlite source (embedded profile). PGlite is single-process, so the agent never opens the
 * service's data directory: the service streams PGlite's own dump (`dumpDataDir('none')`, an
 * uncompressed tar of the data directory) from `GET /v1/admin/snapshot`, with the row counts
 * of the same moment in the `x-aidb-row-counts` header.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { BackupError } from '../errors.ts';
import type { BackupSource, SourcePart } from '../source.ts';

export interface PgliteSourceOptions {
  /** Base URL of the co-located service. */
  readonly serviceUrl: string;
  /** Read at each backup: the service may write its local key after the agent started. */
  readonly adminKey: () => string | undefined;
}

export const snapshotPath = '/v1/admin/snapshot';
export const rowCountsHeader = 'x-aidb-row-counts';

const rowCounts = z
  .object({
    collections: z.number().int().min(0),
    documents: z.number().int().min(0),
    chunks: z.number().int().min(0),
  })
  .strict();

/** The header's counts, keyed like PostgreSQL's table of contents (`public.documents`). */
export function parseRowCounts(header: string | null): Record<string, number> {
  let data: unknown;
  try {
    data = JSON.parse(header ?? '');
  } catch (cause) {
    throw new BackupError('dump_failed', `backups: ${rowCountsHeader} is missing or not JSON`, {
      cause,
    });
  }
  const parsed = rowCounts.safeParse(data);
  if (!parsed.success) {
    throw new BackupError(
      'dump_failed',
      `backups: ${rowCountsHeader} is invalid: ${z.prettifyError(parsed.error)}`,
    );
  }
  return Object.fromEntries(
    Object.entries(parsed.data).map(([table, n]) => [`public.${table}`, n]),
  );
}

export function createPgliteSource(options: PgliteSourceOptions): BackupSource {
  const url = new URL(snapshotPath, options.serviceUrl).toString();
  return {
    target: 'pglite',
    description: { service: options.serviceUrl, endpoint: snapshotPath },
    tools: () => Promise.resolve({ pgliteDump: 'dumpDataDir(none) via the service' }),
    async *parts(signal) {
      const adminKey = options.adminKey();
      if (adminKey === undefined) {
        throw new BackupError(
          'dump_failed',
          'backups: the PGlite backup needs the service admin key (AIDB_AGENT_ADMIN_KEY, or the service’s local key in the data directory)',
        );
      }
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${adminKey}`, accept: 'application/x-tar' },
          signal,
        });
      } catch (cause) {
        throw new BackupError('dump_failed', `backups: cannot reach the service at ${url}`, {
          cause,
        });
      }
      const body = response.body;
      if (!response.ok || body === null) {
        await response.body?.cancel();
        throw new BackupError(
          'dump_failed',
          `backups: the service answered ${response.status} to ${snapshotPath}`,
        );
      }
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('application/x-tar')) {
        await body.cancel();
        throw new BackupError(
          'dump_failed',
          `backups: ${snapshotPath} sent ${type || 'no content type'}, not application/x-tar`,
        );
      }
      let counts: Record<string, number>;
      try {
        counts = parseRowCounts(response.headers.get(rowCountsHeader));
      } catch (error) {
        await body.cancel();
        throw error;
      }
      const stream = Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>);
      const part: SourcePart = {
        name: 'datadir',
        format: 'pglite-datadir-tar',
        stream,
        failureReason: 'dump_failed',
        finish: () => Promise.resolve(counts),
        close: () => {
          stream.destroy();
          return Promise.resolve();
        },
      };
      yield part;
    },
  };
}
