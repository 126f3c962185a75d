/**
 * The typed client of the aidb API: one method per route of the service's route table, its
 * input typed and its answer checked with the zod schemas the server validates with
 * (service/api/*), so a change of the API breaks the client at compile time or loudly at once.
 * The original service's compatibility routes (`/documents`, `/vector/*`) are left out on purpose:
 * new clients use /v1.
 */
import type { z } from 'zod';
import type { gcBody } from '../service/api/admin.ts';
import { gcResponse } from '../service/api/admin.ts';
import type { putCollectionBody } from '../service/api/collections.ts';
import { collection, collectionList } from '../service/api/collections.ts';
import type { ingestBody, listDocumentsQuery } from '../service/api/documents.ts';
import { document, documentList, ingestResponse } from '../service/api/documents.ts';
import type { embedBody, searchBody } from '../service/api/search.ts';
import { embedResponse, searchResponse } from '../service/api/search.ts';
import type { HealthReport } from '../service/api/health.ts';
import { healthPaths, probeSpecs } from '../service/api/probes.ts';
import { AidbResponseError } from './problem.ts';
import { createTransport, type Answer, type Call, type TransportOptions } from './transport.ts';

export type ClientOptions = TransportOptions;

/** Per call: cancel it (retries and their waits included). */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

export type Collection = z.output<typeof collection>;
export type PutCollectionInput = z.input<typeof putCollectionBody>;
export type IngestInput = z.input<typeof ingestBody>;
export type ListDocumentsInput = z.input<typeof listDocumentsQuery>;
export type DocumentList = z.output<typeof documentList>;
export type Document = z.output<typeof document>;
export type SearchInput = z.input<typeof searchBody>;
export type SearchResponse = z.output<typeof searchResponse>;
export type EmbedInput = z.input<typeof embedBody>;
export type EmbedResponse = z.output<typeof embedResponse>;
export type GcInput = z.input<typeof gcBody>;
export type GcResponse = z.output<typeof gcResponse>;

/** A probe's answer: 503 is an answer (not ready), not an error. */
export interface ProbeAnswer {
  readonly ok: boolean;
  readonly status: number;
  readonly report: HealthReport;
}

export interface Snapshot {
  readonly tar: Uint8Array;
  readonly rowCounts: Readonly<Record<string, number>>;
}

export interface AidbClient {
  readonly baseUrl: string;
  listCollections(options?: CallOptions): Promise<Collection[]>;
  /** Creates the collection (`created: true`) or updates its description and TTL. */
  putCollection(
    name: string,
    input?: PutCollectionInput,
    options?: CallOptions,
  ): Promise<{ collection: Collection; created: boolean }>;
  getCollection(name: string, options?: CallOptions): Promise<Collection>;
  deleteCollection(name: string, options?: CallOptions): Promise<void>;
  /** Not retried on 503 `dependency_unavailable`: see `retry.ts`. Give ids to make it idempotent. */
  ingestDocuments(
    collection: string,
    input: IngestInput,
    options?: CallOptions,
  ): Promise<{ ids: string[] }>;
  listDocuments(
    collection: string,
    query?: ListDocumentsInput,
    options?: CallOptions,
  ): Promise<DocumentList>;
  getDocument(collection: string, id: string, options?: CallOptions): Promise<Document>;
  deleteDocument(collection: string, id: string, options?: CallOptions): Promise<void>;
  search(collection: string, input: SearchInput, options?: CallOptions): Promise<SearchResponse>;
  embed(input: EmbedInput, options?: CallOptions): Promise<EmbedResponse>;
  /** Admin scope. Dry run unless `dry_run: false`. */
  collectGarbage(input?: GcInput, options?: CallOptions): Promise<GcResponse>;
  /** Admin scope; embedded profile only (409 `snapshot_unavailable` otherwise). */
  snapshot(options?: CallOptions): Promise<Snapshot>;
  liveness(options?: CallOptions): Promise<ProbeAnswer>;
  readiness(options?: CallOptions): Promise<ProbeAnswer>;
  startup(options?: CallOptions): Promise<ProbeAnswer>;
  /** Admin scope: every dependency checked now. */
  healthDetailed(options?: CallOptions): Promise<ProbeAnswer>;
  /** The Prometheus exposition (read scope unless configured otherwise). */
  metrics(options?: CallOptions): Promise<string>;
  openApi(options?: CallOptions): Promise<Record<string, unknown>>;
}

const segment = encodeURIComponent;

export function createAidbClient(options: ClientOptions): AidbClient {
  const transport = createTransport(options);

  async function json<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S>> {
    const answer = await transport.send(call);
    return decode(call, answer, schema);
  }

  function decode<S extends z.ZodType>(call: Call, answer: Answer, schema: S): z.output<S> {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(answer.bytes));
    } catch (error) {
      throw new AidbResponseError(`${call.method} ${call.path}: the answer is not JSON`, {
        cause: error,
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new AidbResponseError(
        `${call.method} ${call.path}: unexpected answer: ${parsed.error.message}`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  async function probe(path: string, signal: AbortSignal | undefined): Promise<ProbeAnswer> {
    const call: Call = { method: 'GET', path, idempotent: true, accept: [503], signal };
    const answer = await transport.send(call);
    const report = JSON.parse(new TextDecoder().decode(answer.bytes)) as HealthReport;
    return { ok: answer.status === 200, status: answer.status, report };
  }

  const collectionPath = (name: string): string => `/v1/collections/${segment(name)}`;

  return {
    baseUrl: transport.baseUrl,
    async listCollections(o) {
      const call: Call = {
        method: 'GET',
        path: '/v1/collections',
        idempotent: true,
        signal: o?.signal,
      };
      return (await json(call, collectionList)).collections;
    },
    async putCollection(name, input = {}, o) {
      const call: Call = {
        method: 'PUT',
        path: collectionPath(name),
        body: input,
        idempotent: true,
        signal: o?.signal,
      };
      const answer = await transport.send(call);
      return { collection: decode(call, answer, collection), created: answer.status === 201 };
    },
    getCollection: (name, o) =>
      json(
        { method: 'GET', path: collectionPath(name), idempotent: true, signal: o?.signal },
        collection,
      ),
    async deleteCollection(name, o) {
      await transport.send({
        method: 'DELETE',
        path: collectionPath(name),
        idempotent: true,
        signal: o?.signal,
      });
    },
    ingestDocuments: (name, input, o) =>
      json(
        {
          method: 'POST',
          path: `${collectionPath(name)}/documents`,
          body: input,
          idempotent: false,
          signal: o?.signal,
        },
        ingestResponse,
      ),
    listDocuments: (name, query = {}, o) =>
      json(
        {
          method: 'GET',
          path: `${collectionPath(name)}/documents`,
          query: { limit: query.limit as number | undefined, cursor: query.cursor },
          idempotent: true,
          signal: o?.signal,
        },
        documentList,
      ),
    getDocument: (name, id, o) =>
      json(
        {
          method: 'GET',
          path: `${collectionPath(name)}/documents/${segment(id)}`,
          idempotent: true,
          signal: o?.signal,
        },
        document,
      ),
    async deleteDocument(name, id, o) {
      await transport.send({
        method: 'DELETE',
        path: `${collectionPath(name)}/documents/${segment(id)}`,
        idempotent: true,
        signal: o?.signal,
      });
    },
    // Search and embed are POSTs only because their input is large; they change nothing.
    search: (name, input, o) =>
      json(
        {
          method: 'POST',
          path: `${collectionPath(name)}/search`,
          body: input,
          idempotent: true,
          signal: o?.signal,
        },
        searchResponse,
      ),
    embed: (input, o) =>
      json(
        { method: 'POST', path: '/v1/embed', body: input, idempotent: true, signal: o?.signal },
        embedResponse,
      ),
    collectGarbage: (input = {}, o) =>
      json(
        {
          method: 'POST',
          path: '/v1/admin/gc',
          body: input,
          idempotent: false,
          signal: o?.signal,
        },
        gcResponse,
      ),
    async snapshot(o) {
      const answer = await transport.send({
        method: 'GET',
        path: '/v1/admin/snapshot',
        idempotent: true,
        signal: o?.signal,
      });
      const header = answer.headers.get('x-aidb-row-counts') ?? '{}';
      return { tar: answer.bytes, rowCounts: JSON.parse(header) as Record<string, number> };
    },
    liveness: (o) => probe(probeSpecs.liveness.path, o?.signal),
    readiness: (o) => probe(probeSpecs.readiness.path, o?.signal),
    startup: (o) => probe(probeSpecs.startup.path, o?.signal),
    healthDetailed: (o) => probe(healthPaths.detailed, o?.signal),
    async metrics(o) {
      const answer = await transport.send({
        method: 'GET',
        path: '/metrics',
        idempotent: true,
        signal: o?.signal,
      });
      return new TextDecoder().decode(answer.bytes);
    },
    async openApi(o) {
      const answer = await transport.send({
        method: 'GET',
        path: '/openapi.json',
        idempotent: true,
        signal: o?.signal,
      });
      return JSON.parse(new TextDecoder().decode(answer.bytes)) as Record<string, unknown>;
    },
  };
}
