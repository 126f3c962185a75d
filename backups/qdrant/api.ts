/**
 * The slice of Qdrant's REST API that backups use, typed from the OpenAPI schema shipped in
 * `@qdrant/js-client-rest` (types only; nothing of it runs). Snapshots stream in both
 * directions; metadata calls have the configured timeout.
 */
import type { Schemas } from '@qdrant/js-client-rest';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { BackupError, type FailureReason } from '../errors.ts';

export interface QdrantApiOptions {
  readonly url: string;
  readonly apiKey?: string | undefined;
  readonly timeoutMs: number;
}

export type SnapshotDescription = Schemas['SnapshotDescription'];
export type AliasDescription = Schemas['AliasDescription'];

export interface QdrantApi {
  collections(signal: AbortSignal): Promise<string[]>;
  aliases(signal: AbortSignal): Promise<AliasDescription[]>;
  /** Exact number of points, or undefined when the collection does not exist. */
  count(collection: string, signal: AbortSignal): Promise<number | undefined>;
  createSnapshot(collection: string, signal: AbortSignal): Promise<SnapshotDescription>;
  downloadSnapshot(collection: string, snapshot: string, signal: AbortSignal): Promise<Readable>;
  deleteSnapshot(collection: string, snapshot: string, signal: AbortSignal): Promise<void>;
  /** Recovers a collection from an uploaded snapshot; the snapshot's data wins (`priority=snapshot`). */
  uploadSnapshot(
    collection: string,
    snapshot: Blob,
    sha256: string,
    signal: AbortSignal,
  ): Promise<void>;
  deleteCollection(collection: string, signal: AbortSignal): Promise<void>;
  createAliases(aliases: readonly AliasDescription[], signal: AbortSignal): Promise<void>;
}

interface Envelope<T> {
  readonly result?: T;
  readonly status?: unknown;
}

const segment = encodeURIComponent;

export function createQdrantApi(options: QdrantApiOptions): QdrantApi {
  const headers = (extra: Record<string, string> = {}): Record<string, string> =>
    options.apiKey === undefined ? extra : { ...extra, 'api-key': options.apiKey };

  async function call(
    method: string,
    path: string,
    signal: AbortSignal,
    reason: FailureReason,
    init: { body?: BodyInit; json?: unknown; timeout?: boolean } = {},
  ): Promise<Response> {
    const signals =
      init.timeout === false ? [signal] : [signal, AbortSignal.timeout(options.timeoutMs)];
    const body = init.json === undefined ? init.body : JSON.stringify(init.json);
    let response: Response;
    try {
      response = await fetch(new URL(path, options.url), {
        method,
        headers: headers(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.any(signals),
      });
    } catch (cause) {
      if (signal.aborted) throw cause;
      throw new BackupError(
        reason,
        `backups: Qdrant ${method} ${path} failed: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new BackupError(
        reason,
        `backups: Qdrant ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`,
      );
    }
    return response;
  }

  async function result<T>(response: Response, what: string): Promise<T> {
    const envelope = (await response.json()) as Envelope<T>;
    if (envelope.result === undefined)
      throw new BackupError('snapshot_failed', `backups: Qdrant sent no result for ${what}`);
    return envelope.result;
  }

  return {
    async collections(signal) {
      const response = await call('GET', '/collections', signal, 'snapshot_failed');
      const listed = await result<Schemas['CollectionsResponse']>(response, 'the collection list');
      return listed.collections.map((c) => c.name).sort();
    },
    async aliases(signal) {
      const response = await call('GET', '/aliases', signal, 'snapshot_failed');
      return (await result<Schemas['CollectionsAliasesResponse']>(response, 'the alias list'))
        .aliases;
    },
    async count(collection, signal) {
      const path = `/collections/${segment(collection)}/points/count`;
      try {
        const response = await call('POST', path, signal, 'snapshot_failed', {
          json: { exact: true },
        });
        return (await result<Schemas['CountResult']>(response, path)).count;
      } catch (error) {
        if (error instanceof BackupError && error.message.includes('answered 404'))
          return undefined;
        throw error;
      }
    },
    async createSnapshot(collection, signal) {
      const path = `/collections/${segment(collection)}/snapshots?wait=true`;
      const response = await call('POST', path, signal, 'snapshot_failed', { timeout: false });
      return result<SnapshotDescription>(response, path);
    },
    async downloadSnapshot(collection, snapshot, signal) {
      const path = `/collections/${segment(collection)}/snapshots/${segment(snapshot)}`;
      const response = await call('GET', path, signal, 'snapshot_failed', { timeout: false });
      if (response.body === null)
        throw new BackupError('snapshot_failed', `backups: Qdrant sent an empty body for ${path}`);
      return Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
    },
    async deleteSnapshot(collection, snapshot, signal) {
      const path = `/collections/${segment(collection)}/snapshots/${segment(snapshot)}?wait=true`;
      await call('DELETE', path, signal, 'snapshot_failed');
    },
    async uploadSnapshot(collection, snapshot, sha256, signal) {
      const form = new FormData();
      form.append('snapshot', snapshot, `${collection}.snapshot`);
      const query = new URLSearchParams({ wait: 'true', priority: 'snapshot', checksum: sha256 });
      const path = `/collections/${segment(collection)}/snapshots/upload?${query.toString()}`;
      await call('POST', path, signal, 'other', { body: form, timeout: false });
    },
    async deleteCollection(collection, signal) {
      await call('DELETE', `/collections/${segment(collection)}`, signal, 'other');
    },
    async createAliases(aliases, signal) {
      if (aliases.length === 0) return;
      const actions = aliases.map((a) => ({
        create_alias: { collection_name: a.collection_name, alias_name: a.alias_name },
      }));
      await call('POST', '/collections/aliases', signal, 'other', { json: { actions } });
    },
  };
}
