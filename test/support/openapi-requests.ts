import type { ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { arbitraryOf, violationsOf, type Schema } from './schema-arbitraries.ts';

/** One operation of the document, with what a request to it is made of. */
export interface Operation {
  readonly id: string;
  readonly method: string;
  readonly template: string;
  readonly pathParams: readonly { name: string; schema: Schema }[];
  readonly queryParams: readonly { name: string; schema: Schema; required: boolean }[];
  readonly body: { readonly schema: Schema; readonly required: boolean } | undefined;
  readonly responses: Readonly<Record<string, { content?: Record<string, { schema: Schema }> }>>;
}

/** A request as sent: `valid` is the document's verdict on it, checked with ajv. */
export interface GeneratedRequest {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
  readonly valid: boolean;
  /** Which part an invalid request breaks. */
  readonly broken?: string;
}

interface RawOperation {
  operationId: string;
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Operation['responses'];
}

export function operationsOf(document: {
  paths: Record<string, Record<string, RawOperation>>;
}): Operation[] {
  return Object.entries(document.paths).flatMap(([template, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      id: op.operationId,
      method: method.toUpperCase(),
      template,
      pathParams: op.parameters.filter((p) => p.in === 'path'),
      queryParams: op.parameters.filter((p) => p.in === 'query'),
      body:
        op.requestBody === undefined
          ? undefined
          : {
              schema: op.requestBody.content['application/json']?.schema ?? {},
              required: op.requestBody.required,
            },
      responses: op.responses,
    })),
  );
}

export interface Validators {
  /** The document's verdict on a JSON value against one of its schemas. */
  json(schema: Schema): ValidateFunction;
  /** The same for a query string value, read the way a server coerces it. */
  query(schema: Schema): ValidateFunction;
}

export interface Fixtures {
  /** Path parameter values that exist and that valid requests may change. */
  readonly known: Readonly<Record<string, readonly string[]>>;
  /** Path parameter values of the victim, which only invalid requests may name. */
  readonly victim: Readonly<Record<string, string>>;
}

interface Parts {
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  readonly body:
    { readonly json: unknown } | { readonly raw: string; readonly type: string } | undefined;
}

// A path segment of '.' or '..' is resolved away by every HTTP client: it names another path;
// a lone surrogate has no UTF-8 form to percent-encode.
const segmentSafe = (value: string) =>
  value !== '' && value !== '.' && value !== '..' && value.isWellFormed();

function build(
  operation: Operation,
  parts: Parts,
  valid: boolean,
  broken?: string,
): GeneratedRequest {
  const path = operation.template.replace(/\{(\w+)\}/g, (_m, name: string) =>
    encodeURIComponent(parts.params[name] ?? ''),
  );
  const query = new URLSearchParams(parts.query).toString();
  const body = parts.body;
  return {
    operation: operation.id,
    method: operation.method,
    path: query === '' ? path : `${path}?${query}`,
    body: body === undefined ? undefined : 'json' in body ? JSON.stringify(body.json) : body.raw,
    contentType: body === undefined ? undefined : 'json' in body ? 'application/json' : body.type,
    valid,
    ...(broken === undefined ? {} : { broken }),
  };
}

function validParams(operation: Operation, v: Validators, fixtures: Fixtures) {
  return fc.record(
    Object.fromEntries(
      operation.pathParams.map(({ name, schema }) => {
        const check = v.json(schema);
        const generated = (arbitraryOf(schema, schema) as fc.Arbitrary<string>).filter(
          (value) => check(value) && segmentSafe(value) && value !== fixtures.victim[name],
        );
        const known = fixtures.known[name] ?? [];
        return [
          name,
          known.length === 0 ? generated : fc.oneof(generated, fc.constantFrom(...known)),
        ];
      }),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
}

function validQuery(operation: Operation, v: Validators) {
  const entries = operation.queryParams.map(({ name, schema, required }) => {
    const check = v.query(schema);
    const value = arbitraryOf(schema, schema)
      .map((x) => String(x))
      .filter((x) => check(x));
    return [name, required ? value : fc.option(value, { nil: undefined })] as const;
  });
  return fc
    .record(Object.fromEntries(entries))
    .map((q) =>
      Object.fromEntries(Object.entries(q).filter(([, x]) => x !== undefined)),
    ) as fc.Arbitrary<Record<string, string>>;
}

function validBody(operation: Operation, v: Validators): fc.Arbitrary<Parts['body']> {
  const body = operation.body;
  if (body === undefined) return fc.constant(undefined);
  const check = v.json(body.schema);
  const json = arbitraryOf(body.schema, body.schema)
    .filter((value) => check(value))
    .map((value) => ({ json: value }));
  return body.required ? json : fc.option(json, { nil: undefined });
}

/** Requests the document calls valid: path, query and body from its schemas. */
export function validRequests(
  operation: Operation,
  v: Validators,
  fixtures: Fixtures,
): fc.Arbitrary<GeneratedRequest> {
  return fc
    .record({
      params: validParams(operation, v, fixtures),
      query: validQuery(operation, v),
      body: validBody(operation, v),
    })
    .map((parts) => build(operation, parts, true));
}

/** A value that breaks `schema`: past a bound, of another type, or anything JSON can say. */
function breaking(schema: Schema, check: ValidateFunction): fc.Arbitrary<unknown> {
  const near = violationsOf(schema);
  const candidates =
    near.length === 0 ? fc.jsonValue() : fc.oneof(fc.constantFrom(...near), fc.jsonValue());
  return candidates.filter((value) => !check(value));
}

/** One change to a valid body that the document's schema refuses. */
function brokenBody(schema: Schema, v: Validators, valid: fc.Arbitrary<unknown>) {
  const check = v.json(schema);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const names = Object.keys(properties);
  const mutations: fc.Arbitrary<unknown>[] = [breaking(schema, check)];
  if (names.length > 0) {
    mutations.push(
      fc
        .tuple(valid, fc.constantFrom(...names), fc.jsonValue(), fc.nat())
        .map(([body, name, junk, pick]) => {
          const next = { ...(body as Record<string, unknown>) };
          const near = violationsOf(properties[name] ?? {});
          next[name] = near.length === 0 || pick % 3 === 0 ? junk : near[pick % near.length];
          return next;
        }),
      fc
        .tuple(valid, fc.constantFrom(...names))
        .map(([body, name]) =>
          Object.fromEntries(
            Object.entries(body as Record<string, unknown>).filter(([key]) => key !== name),
          ),
        ),
      fc
        .tuple(valid, fc.stringMatching(/^[a-z_]{1,12}$/), fc.jsonValue())
        .map(([body, name, value]) => ({ ...(body as Record<string, unknown>), [name]: value })),
    );
  }
  return fc.oneof(...mutations).filter((body) => !check(body));
}

/**
 * Requests the document calls invalid, each breaking one part of an otherwise valid request
 * aimed at the victim, so whatever they change would show there.
 */
export function invalidRequests(
  operation: Operation,
  v: Validators,
  fixtures: Fixtures,
): fc.Arbitrary<GeneratedRequest> {
  const victimParams = Object.fromEntries(
    operation.pathParams.map(({ name }) => [name, fixtures.victim[name] ?? 'victim']),
  );
  const documented = new Set(operation.queryParams.map((p) => p.name));
  const validBodies = validBody(operation, v);
  const kinds: fc.Arbitrary<GeneratedRequest>[] = [];
  for (const { name, schema } of operation.pathParams) {
    const check = v.json(schema);
    kinds.push(
      fc
        .tuple(breaking({ ...schema, type: 'string' }, check), validBodies)
        .filter(([value]) => typeof value === 'string' && segmentSafe(value))
        .map(([value, body]) =>
          build(
            operation,
            { params: { ...victimParams, [name]: String(value) }, query: {}, body },
            false,
            `path ${name}`,
          ),
        ),
    );
  }
  kinds.push(
    fc
      .tuple(
        fc.stringMatching(/^[a-z_]{1,12}$/).filter((name) => !documented.has(name)),
        fc.string(),
        validBodies,
      )
      .map(([name, value, body]) =>
        build(operation, { params: victimParams, query: { [name]: value }, body }, false, 'query'),
      ),
  );
  for (const { name, schema } of operation.queryParams) {
    const check = v.query(schema);
    const values = fc
      .oneof(fc.constantFrom(...violationsOf(schema).map(String)), fc.string())
      .filter((value) => !check(value));
    kinds.push(
      fc
        .tuple(values, validBodies)
        .map(([value, body]) =>
          build(
            operation,
            { params: victimParams, query: { [name]: value }, body },
            false,
            `query ${name}`,
          ),
        ),
    );
  }
  if (operation.body !== undefined) {
    const schema = operation.body.schema;
    const valid = arbitraryOf(schema, schema).filter((value) => v.json(schema)(value));
    kinds.push(
      brokenBody(schema, v, valid).map((json) =>
        build(operation, { params: victimParams, query: {}, body: { json } }, false, 'body'),
      ),
      fc
        .constantFrom('{', '{"a":', 'nul', '[1,]', '{"documents":[}')
        .map((raw) =>
          build(
            operation,
            { params: victimParams, query: {}, body: { raw, type: 'application/json' } },
            false,
            'json',
          ),
        ),
      valid.map((json) =>
        build(
          operation,
          {
            params: victimParams,
            query: {},
            body: { raw: JSON.stringify(json), type: 'text/plain' },
          },
          false,
          'content type',
        ),
      ),
    );
  }
  return fc.oneof(...kinds);
}

/** The request as a command a person can paste to reproduce it. */
export function curlOf(base: string, request: GeneratedRequest): string {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const parts = [
    'curl -i',
    `-X ${request.method}`,
    '-H "Authorization: Bearer $AIDB_KEY"',
    ...(request.contentType === undefined
      ? []
      : [`-H ${quote(`content-type: ${request.contentType}`)}`]),
    ...(request.body === undefined ? [] : [`--data-raw ${quote(request.body)}`]),
    quote(`${base}${request.path}`),
  ];
  return parts.join(' ');
}
