/**
 * A contract STUB of Qdrant's REST API (Qdrant cannot run here), written from the OpenAPI schema
 * that `@qdrant/js-client-rest` ships: every body it sends is typed against that schema, and the
 * service and backups talk to it through that official client, as they talk to Qdrant. It keeps
 * its state in memory and covers collections, aliases, snapshots (create, list, download with
 * checksum, delete, upload-recover with `priority`), and points (upsert, count, and in
 * qdrant-points.ts search, delete, scroll and filters). It is not Qdrant: a snapshot here is a tar holding one JSON file, where
 * Qdrant's holds segments. Routes are a table, so more of the API can be added the same way.
 */
import type { Schemas } from '@qdrant/js-client-rest';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pointRoutes } from './qdrant-points.ts';
import { readTarArchive, tarArchive } from './tar.ts';

export interface StubPoint {
  readonly id: string | number;
  readonly vector: readonly number[];
  readonly payload: Record<string, unknown>;
}

export interface StubCollection {
  readonly vectors: Schemas['VectorParams'];
  readonly points: Map<string, StubPoint>;
}

export interface StubSnapshot {
  readonly data: Buffer;
  readonly description: Schemas['SnapshotDescription'];
}

export interface QdrantStubState {
  readonly collections: Map<string, StubCollection>;
  /** alias → collection */
  readonly aliases: Map<string, string>;
  /** collection → snapshot name → snapshot */
  readonly snapshots: Map<string, Map<string, StubSnapshot>>;
}

/** Misbehaviour a test switches on. */
export interface QdrantStubFaults {
  /** Downloads of these collections' snapshots have one byte flipped. */
  readonly corruptDownloads: Set<string>;
  /** Creating a snapshot of these collections answers 500. */
  readonly failSnapshots: Set<string>;
  /** Every answer is delayed this long (a slow Qdrant). */
  latencyMs: number;
  /** Every request answers 503 (an overloaded or restarting Qdrant). */
  unavailable: boolean;
  /**
   * Holds the answer to a request it returns a promise for, after the request took effect: a
   * write Qdrant has applied while its caller has not heard back yet.
   */
  holdAnswer: ((request: StubRequest) => Promise<void> | undefined) | undefined;
}

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
}

export interface RouteContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly state: QdrantStubState;
  readonly faults: QdrantStubFaults;
  /** The request as a fetch Request, for JSON and multipart bodies. */
  readonly request: Request;
}

export type RouteResult =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly bytes: Buffer; readonly contentType: string };

export interface Route {
  readonly method: string;
  /** OpenAPI path template, e.g. `/collections/{collection_name}/snapshots`. */
  readonly path: string;
  readonly handle: (context: RouteContext) => Promise<RouteResult> | RouteResult;
}

// Qdrant's envelope: `{ result, status: "ok", time }`, errors `{ status: { error }, time }`.
export const ok = (result: unknown): RouteResult => ({
  status: 200,
  json: { result, status: 'ok', time: 0 },
});
export const fail = (status: number, error: string): RouteResult => ({
  status,
  json: { status: { error }, time: 0 },
});

function collectionOf(context: RouteContext): StubCollection | RouteResult {
  const name = context.params.collection_name ?? '';
  return (
    context.state.collections.get(name) ??
    fail(404, `Not found: Collection \`${name}\` doesn't exist!`)
  );
}

const isResult = (value: StubCollection | RouteResult): value is RouteResult => 'status' in value;

let snapshotSequence = 0;

function snapshotOf(name: string, collection: StubCollection): StubSnapshot {
  const content = Buffer.from(
    JSON.stringify({ name, vectors: collection.vectors, points: [...collection.points.values()] }),
  );
  const data = tarArchive([{ name: 'collection.json', content }]);
  snapshotSequence += 1;
  const created = new Date().toISOString().slice(0, 19);
  const description: Schemas['SnapshotDescription'] = {
    name: `${name}-${snapshotSequence}-${created.replace(/[T:]/g, '-')}.snapshot`,
    creation_time: created,
    size: data.length,
    checksum: createHash('sha256').update(data).digest('hex'),
  };
  return { data, description };
}

const priorities: readonly Schemas['SnapshotPriority'][] = ['no_sync', 'snapshot', 'replica'];

export const qdrantRoutes: readonly Route[] = [
  ...pointRoutes(collectionOf),
  // Kubernetes readiness of a real Qdrant (200 once every shard is ready); the agent probes it.
  { method: 'GET', path: '/readyz', handle: () => ok('all shards are ready') },
  {
    method: 'GET',
    path: '/collections',
    handle: ({ state }) => {
      const result: Schemas['CollectionsResponse'] = {
        collections: [...state.collections.keys()].map((name) => ({ name })),
      };
      return ok(result);
    },
  },
  {
    method: 'PUT',
    path: '/collections/{collection_name}',
    handle: async (context) => {
      const name = context.params.collection_name ?? '';
      if (context.state.collections.has(name))
        return fail(409, `Wrong input: Collection \`${name}\` already exists!`);
      const body = (await context.request.json()) as Schemas['CreateCollection'];
      context.state.collections.set(name, {
        vectors: body.vectors as Schemas['VectorParams'],
        points: new Map(),
      });
      return ok(true);
    },
  },
  {
    method: 'GET',
    path: '/collections/{collection_name}',
    handle: (context) => {
      const collection = collectionOf(context);
      if (isResult(collection)) return collection;
      // Qdrant's defaults for what the stub does not model (indexing, optimizers).
      const result: Schemas['CollectionInfo'] = {
        status: 'green',
        optimizer_status: 'ok',
        points_count: collection.points.size,
        indexed_vectors_count: 0,
        segments_count: 1,
        config: {
          params: { vectors: collection.vectors, shard_number: 1, replication_factor: 1 },
          hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10_000 },
          optimizer_config: { default_segment_number: 0, flush_interval_sec: 5 },
        },
        payload_schema: {},
      };
      return ok(result);
    },
  },
  {
    method: 'DELETE',
    path: '/collections/{collection_name}',
    handle: ({ params, state }) => {
      const name = params.collection_name ?? '';
      const existed = state.collections.delete(name);
      state.snapshots.delete(name);
      for (const [alias, target] of state.aliases) if (target === name) state.aliases.delete(alias);
      return ok(existed);
    },
  },
  {
    method: 'PUT',
    path: '/collections/{collection_name}/points',
    handle: async (context) => {
      const collection = collectionOf(context);
      if (isResult(collection)) return collection;
      const body = (await context.request.json()) as { points: StubPoint[] };
      for (const point of body.points) collection.points.set(String(point.id), point);
      const result: Schemas['UpdateResult'] = { operation_id: 1, status: 'completed' };
      return ok(result);
    },
  },
  {
    method: 'POST',
    path: '/collections/{collection_name}/points/count',
    handle: (context) => {
      const collection = collectionOf(context);
      if (isResult(collection)) return collection;
      const result: Schemas['CountResult'] = { count: collection.points.size };
      return ok(result);
    },
  },
  {
    method: 'GET',
    path: '/aliases',
    handle: ({ state }) => {
      const result: Schemas['CollectionsAliasesResponse'] = {
        aliases: [...state.aliases].map(([alias_name, collection_name]) => ({
          alias_name,
          collection_name,
        })),
      };
      return ok(result);
    },
  },
  {
    method: 'GET',
    path: '/collections/{collection_name}/aliases',
    handle: ({ params, state }) => {
      const result: Schemas['CollectionsAliasesResponse'] = {
        aliases: [...state.aliases]
          .filter(([, collection]) => collection === params.collection_name)
          .map(([alias_name, collection_name]) => ({ alias_name, collection_name })),
      };
      return ok(result);
    },
  },
  {
    method: 'POST',
    path: '/collections/aliases',
    handle: async ({ request, state }) => {
      const body = (await request.json()) as Schemas['ChangeAliasesOperation'];
      for (const action of body.actions) {
        if ('create_alias' in action) {
          const { alias_name, collection_name } = action.create_alias;
          if (!state.collections.has(collection_name))
            return fail(404, `Not found: Collection \`${collection_name}\` doesn't exist!`);
          state.aliases.set(alias_name, collection_name);
        } else if ('delete_alias' in action) {
          state.aliases.delete(action.delete_alias.alias_name);
        }
      }
      return ok(true);
    },
  },
  {
    method: 'POST',
    path: '/collections/{collection_name}/snapshots',
    handle: (context) => {
      const collection = collectionOf(context);
      if (isResult(collection)) return collection;
      const name = context.params.collection_name ?? '';
      if (context.faults.failSnapshots.has(name))
        return fail(500, `Service internal error: snapshot of ${name} failed`);
      const snapshot = snapshotOf(name, collection);
      const mine = context.state.snapshots.get(name) ?? new Map<string, StubSnapshot>();
      mine.set(snapshot.description.name, snapshot);
      context.state.snapshots.set(name, mine);
      return ok(snapshot.description);
    },
  },
  {
    method: 'GET',
    path: '/collections/{collection_name}/snapshots',
    handle: (context) => {
      const collection = collectionOf(context);
      if (isResult(collection)) return collection;
      const mine = context.state.snapshots.get(context.params.collection_name ?? '');
      return ok([...(mine?.values() ?? [])].map((s) => s.description));
    },
  },
  {
    method: 'GET',
    path: '/collections/{collection_name}/snapshots/{snapshot_name}',
    handle: ({ params, state, faults }) => {
      const snapshot = state.snapshots
        .get(params.collection_name ?? '')
        ?.get(params.snapshot_name ?? '');
      if (snapshot === undefined)
        return fail(404, `Not found: Snapshot ${params.snapshot_name ?? ''} not found`);
      const bytes = Buffer.from(snapshot.data);
      if (faults.corruptDownloads.has(params.collection_name ?? '')) {
        const at = Math.floor(bytes.length / 2);
        bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      }
      return { status: 200, bytes, contentType: 'application/octet-stream' };
    },
  },
  {
    method: 'DELETE',
    path: '/collections/{collection_name}/snapshots/{snapshot_name}',
    handle: ({ params, state }) => {
      const mine = state.snapshots.get(params.collection_name ?? '');
      if (mine?.delete(params.snapshot_name ?? '') !== true) {
        return fail(404, `Not found: Snapshot ${params.snapshot_name ?? ''} not found`);
      }
      return ok(true);
    },
  },
  {
    method: 'POST',
    path: '/collections/{collection_name}/snapshots/upload',
    handle: async ({ params, query, request, state }) => {
      const priority = query.get('priority');
      if (priority !== null && !priorities.includes(priority as Schemas['SnapshotPriority'])) {
        return fail(400, `Bad request: unknown variant \`${priority}\``);
      }
      const file = (await request.formData()).get('snapshot');
      if (!(file instanceof Blob)) return fail(400, 'Bad request: missing field `snapshot`');
      const data = Buffer.from(await file.arrayBuffer());
      const checksum = query.get('checksum');
      if (checksum !== null && createHash('sha256').update(data).digest('hex') !== checksum) {
        return fail(400, 'Bad request: Snapshot checksum mismatch');
      }
      const entry = readTarArchive(data).find((f) => f.name === 'collection.json');
      if (entry === undefined) return fail(400, 'Bad request: not a snapshot');
      const content = JSON.parse(entry.content.toString('utf8')) as {
        vectors: Schemas['VectorParams'];
        points: StubPoint[];
      };
      state.collections.set(params.collection_name ?? '', {
        vectors: content.vectors,
        points: new Map(content.points.map((p) => [String(p.id), p])),
      });
      return ok(true);
    },
  },
];

export interface QdrantStub {
  readonly url: string;
  readonly state: QdrantStubState;
  readonly faults: QdrantStubFaults;
  /** Every request received, in order. */
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

function compile(route: Route): RegExp {
  const pattern = route.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${pattern}$`);
}

async function toRequest(incoming: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  return new Request(`http://stub${incoming.url ?? '/'}`, {
    method: incoming.method ?? 'GET',
    headers,
    ...(body.length > 0 ? { body } : {}),
  });
}

function send(response: ServerResponse, result: RouteResult): void {
  if ('json' in result) {
    response
      .writeHead(result.status, { 'content-type': 'application/json' })
      .end(JSON.stringify(result.json));
  } else {
    response
      .writeHead(result.status, {
        'content-type': result.contentType,
        'content-length': result.bytes.length,
      })
      .end(result.bytes);
  }
}

export async function startQdrantStub(
  options: {
    apiKey?: string;
    routes?: readonly Route[];
    /** Serve the API under this path, as behind a reverse proxy (`/qdrant`). */
    prefix?: string;
  } = {},
): Promise<QdrantStub> {
  const state: QdrantStubState = {
    collections: new Map(),
    aliases: new Map(),
    snapshots: new Map(),
  };
  const faults: QdrantStubFaults = {
    corruptDownloads: new Set(),
    failSnapshots: new Set(),
    latencyMs: 0,
    unavailable: false,
    holdAnswer: undefined,
  };
  const requests: StubRequest[] = [];
  const table = (options.routes ?? qdrantRoutes).map((route) => ({ route, regex: compile(route) }));
  const server = createServer((incoming, response) => {
    void (async () => {
      const url = new URL(incoming.url ?? '/', 'http://stub');
      const prefix = options.prefix ?? '';
      if (!url.pathname.startsWith(`${prefix}/`)) {
        send(response, fail(404, `stub: no route for ${url.pathname}`));
        return;
      }
      url.pathname = url.pathname.slice(prefix.length);
      requests.push({ method: incoming.method ?? 'GET', path: url.pathname, query: url.search });
      if (faults.latencyMs > 0)
        await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      if (faults.unavailable) {
        send(response, fail(503, 'stub: unavailable'));
        return;
      }
      if (options.apiKey !== undefined && incoming.headers['api-key'] !== options.apiKey) {
        send(
          response,
          fail(401, 'Unauthorized: Must provide an API key or an Authorization bearer token'),
        );
        return;
      }
      // Fixed paths before templates, as `/collections/aliases` must not match `{collection_name}`.
      const candidates = table.filter(({ route }) => route.method === incoming.method);
      const match =
        candidates.find(({ route }) => route.path === url.pathname) ??
        candidates.find(({ regex }) => regex.test(url.pathname));
      if (match === undefined) {
        send(response, fail(404, `stub: no route for ${incoming.method ?? ''} ${url.pathname}`));
        return;
      }
      const groups = match.regex.exec(url.pathname)?.groups ?? {};
      const params = Object.fromEntries(
        Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]),
      );
      const request = await toRequest(incoming);
      const result = await match.route.handle({
        params,
        query: url.searchParams,
        state,
        faults,
        request,
      });
      await faults.holdAnswer?.({
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.search,
      });
      send(response, result);
    })().catch((error: unknown) => {
      send(response, fail(500, `stub: ${(error as Error).message}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
