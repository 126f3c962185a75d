/**
 * The points part of the Qdrant contract stub: query, delete, scroll and filters, as Qdrant's
 * OpenAPI describes them (`must`/`should` of field conditions or nested filters; `match.value`,
 * `match.any`; `range.gte`). Cosine collections score by the cosine of the angle, as Qdrant does.
 */
import type { Schemas } from '@qdrant/js-client-rest';
import type { Route, RouteContext, RouteResult, StubCollection, StubPoint } from './qdrant-stub.ts';
import { fail, ok } from './qdrant-stub.ts';

type Condition = {
  key?: string;
  match?: { value?: unknown; any?: unknown[] };
  range?: { gte?: number; gt?: number; lte?: number; lt?: number };
  must?: Condition[];
  should?: Condition[];
  must_not?: Condition[];
};

function values(point: StubPoint, key: string): unknown[] {
  const value = point.payload[key];
  return Array.isArray(value) ? value : [value];
}

function holds(point: StubPoint, condition: Condition): boolean {
  if (
    condition.must !== undefined ||
    condition.should !== undefined ||
    condition.must_not !== undefined
  ) {
    return matches(point, condition);
  }
  const found = values(point, condition.key ?? '');
  if (condition.match?.value !== undefined) return found.includes(condition.match.value);
  if (condition.match?.any !== undefined)
    return found.some((v) => condition.match?.any?.includes(v));
  if (condition.range !== undefined) {
    const { gte, gt, lte, lt } = condition.range;
    return found.some(
      (v) =>
        typeof v === 'number' &&
        (gte === undefined || v >= gte) &&
        (gt === undefined || v > gt) &&
        (lte === undefined || v <= lte) &&
        (lt === undefined || v < lt),
    );
  }
  return false;
}

export function matches(point: StubPoint, filter: Condition | undefined): boolean {
  if (filter === undefined) return true;
  const must = (filter.must ?? []).every((c) => holds(point, c));
  const should =
    filter.should === undefined ||
    filter.should.length === 0 ||
    filter.should.some((c) => holds(point, c));
  const mustNot = (filter.must_not ?? []).every((c) => !holds(point, c));
  return must && should && mustNot;
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function selectPayload(
  point: StubPoint,
  withPayload: unknown,
): Record<string, unknown> | undefined {
  if (withPayload === false || withPayload === undefined) return undefined;
  if (Array.isArray(withPayload))
    return Object.fromEntries(withPayload.map((k: string) => [k, point.payload[k]]));
  return point.payload;
}

type CollectionOf = (context: RouteContext) => StubCollection | RouteResult;

export function pointRoutes(collectionOf: CollectionOf): Route[] {
  const isResult = (value: StubCollection | RouteResult): value is RouteResult => 'status' in value;
  return [
    {
      method: 'POST',
      path: '/collections/{collection_name}/points/query',
      handle: async (context) => {
        const collection = collectionOf(context);
        if (isResult(collection)) return collection;
        const body = (await context.request.json()) as Omit<Schemas['QueryRequest'], 'filter'> & {
          filter?: Condition;
        };
        // The stub knows one kind of query: nearest to a dense vector.
        const vector = body.query as number[];
        if (vector.length !== collection.vectors.size)
          return fail(
            400,
            `Wrong input: Vector dimension error: expected dim: ${collection.vectors.size}, got ${vector.length}`,
          );
        const scored = [...collection.points.values()]
          .filter((point) => matches(point, body.filter))
          .map((point) => ({ point, score: cosine(vector, point.vector) }))
          .filter(
            ({ score }) =>
              body.score_threshold === undefined ||
              body.score_threshold === null ||
              score >= body.score_threshold,
          )
          .sort((a, b) => b.score - a.score);
        const offset = body.offset ?? 0;
        const page = scored.slice(offset, offset + (body.limit ?? 10));
        const result: Schemas['QueryResponse'] = {
          points: page.map(({ point, score }) => ({
            id: point.id,
            version: 1,
            score,
            payload: selectPayload(point, body.with_payload) ?? null,
          })),
        };
        return ok(result);
      },
    },
    {
      method: 'POST',
      path: '/collections/{collection_name}/points/delete',
      handle: async (context) => {
        const collection = collectionOf(context);
        if (isResult(collection)) return collection;
        const body = (await context.request.json()) as {
          points?: (string | number)[];
          filter?: Condition;
        };
        if (body.points !== undefined)
          for (const id of body.points) collection.points.delete(String(id));
        if (body.filter !== undefined) {
          for (const [id, point] of collection.points)
            if (matches(point, body.filter)) collection.points.delete(id);
        }
        const result: Schemas['UpdateResult'] = { operation_id: 2, status: 'completed' };
        return ok(result);
      },
    },
    {
      method: 'POST',
      path: '/collections/{collection_name}/points/scroll',
      handle: async (context) => {
        const collection = collectionOf(context);
        if (isResult(collection)) return collection;
        const body = (await context.request.json()) as {
          limit?: number;
          offset?: string | number;
          with_payload?: unknown;
          filter?: Condition;
        };
        const all = [...collection.points.values()]
          .filter((p) => matches(p, body.filter))
          .sort((a, b) => String(a.id).localeCompare(String(b.id)));
        const start =
          body.offset === undefined
            ? 0
            : all.findIndex((p) => String(p.id) === String(body.offset));
        const limit = body.limit ?? 10;
        const page = all.slice(Math.max(0, start), Math.max(0, start) + limit);
        const next = all[Math.max(0, start) + limit];
        const result: Schemas['ScrollResult'] = {
          points: page.map((p) => ({
            id: p.id,
            payload: selectPayload(p, body.with_payload) ?? null,
          })),
          next_page_offset: next?.id ?? null,
        };
        return ok(result);
      },
    },
  ];
}
