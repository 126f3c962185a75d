/**
 * The slice of Qdrant's REST API that backups use. Metadata calls go through Qdrant's official
 * client (lib/qdrant.ts) with the configured timeout; snapshots stream over fetch in both
 * directions, because the client reads an answer whole into a string (a 1 GiB snapshot would
 * not fit) and sends a FormData payload as `{}`. Types come from the client's OpenAPI schema.
 */
import type { Schemas } from '@qdrant/js-client-rest';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import {
  createQdrantClientApi,
  QdrantCallError,
  qdrantResult,
  type QdrantClientApi,
} from '../../lib/qdrant.ts';
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

const segment = encodeURIComponent;

export function createQdrantApi(options: QdrantApiOptions): QdrantApi {
  const client = createQdrantClientApi(options);
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;

  /** One metadata call through the client; a 404 resolves to undefined when `missing` allows. */
  async function call<R>(
    what: string,
    reason: FailureReason,
    signal: AbortSignal,
    run: (api: QdrantClientApi, init: RequestInit) => Promise<{ readonly data: { result?: R } }>,
    limits: { readonly timeout?: false; readonly missing?: 'undefined' } = {},
  ): Promise<R | undefined> {
    try {
      return await qdrantResult((init) => run(client, init), {
        signal,
        timeoutMs: limits.timeout === false ? undefined : options.timeoutMs,
      });
    } catch (error) {
      if (!(error instanceof QdrantCallError)) throw error;
      if (limits.missing === 'undefined' && error.status === 404) return undefined;
      throw new BackupError(reason, `backups: Qdrant ${what} failed: ${error.message}`, {
        cause: error,
      });
    }
  }

  /** A snapshot transfer over fetch: streamed, with only the caller's signal as a limit. */
  async function transfer(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal,
    reason: FailureReason,
    body?: FormData,
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path.replace(/^\//, ''), base), {
        method,
        headers: options.apiKey === undefined ? {} : { 'api-key': options.apiKey },
        ...(body === undefined ? {} : { body }),
        signal,
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
  const required = <R>(value: R | undefined, what: string): R => {
    if (value === undefined)
      throw new BackupError('snapshot_failed', `backups: Qdrant sent no result for ${what}`);
    return value;
  };

  return {
    async collections(signal) {
      const listed = await call('GET /collections', 'snapshot_failed', signal, (api, init) =>
        api.getCollections({}, init),
      );
      return required(listed, 'the collection list')
        .collections.map((c) => c.name)
        .sort();
    },
    async aliases(signal) {
      const listed = await call('GET /aliases', 'snapshot_failed', signal, (api, init) =>
        api.getCollectionsAliases({}, init),
      );
      return required(listed, 'the alias list').aliases;
    },
    async count(collection, signal) {
      const counted = await call(
        `count of ${collection}`,
        'snapshot_failed',
        signal,
        (api, init) => api.countPoints({ collection_name: collection, exact: true }, init),
        { missing: 'undefined' },
      );
      return counted?.count;
    },
    async createSnapshot(collection, signal) {
      const what = `snapshot of ${collection}`;
      const created = await call(
        what,
        'snapshot_failed',
        signal,
        (api, init) => api.createSnapshot({ collection_name: collection, wait: true }, init),
        { timeout: false },
      );
      return required(created, what);
    },
    async downloadSnapshot(collection, snapshot, signal) {
      const path = `/collections/${segment(collection)}/snapshots/${segment(snapshot)}`;
      const response = await transfer('GET', path, signal, 'snapshot_failed');
      if (response.body === null)
        throw new BackupError('snapshot_failed', `backups: Qdrant sent an empty body for ${path}`);
      return Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
    },
    async deleteSnapshot(collection, snapshot, signal) {
      await call(`deletion of snapshot ${snapshot}`, 'snapshot_failed', signal, (api, init) =>
        api.deleteSnapshot(
          { collection_name: collection, snapshot_name: snapshot, wait: true },
          init,
        ),
      );
    },
    async uploadSnapshot(collection, snapshot, sha256, signal) {
      const form = new FormData();
      form.append('snapshot', snapshot, `${collection}.snapshot`);
      const query = new URLSearchParams({ wait: 'true', priority: 'snapshot', checksum: sha256 });
      const path = `/collections/${segment(collection)}/snapshots/upload?${query.toString()}`;
      await transfer('POST', path, signal, 'other', form);
    },
    async deleteCollection(collection, signal) {
      await call(`deletion of collection ${collection}`, 'other', signal, (api, init) =>
        api.deleteCollection({ collection_name: collection }, init),
      );
    },
    async createAliases(aliases, signal) {
      if (aliases.length === 0) return;
      const actions = aliases.map((a) => ({
        create_alias: { collection_name: a.collection_name, alias_name: a.alias_name },
      }));
      await call('alias update', 'other', signal, (api, init) =>
        api.updateAliases({ actions }, init),
      );
    },
  };
}
