import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AidbProcess } from '../../support/aidb-process.ts';
import {
  curlOf,
  invalidRequests,
  operationsOf,
  validRequests,
  type GeneratedRequest,
  type Operation,
  type Validators,
} from '../../support/openapi-requests.ts';
import { profileBackends, type ProfileBackends } from '../../support/profiles.ts';
import type { Schema } from '../../support/schema-arbitraries.ts';
import { call, startServe } from '../../support/serve-process.ts';
import { testKeys } from '../../support/service.ts';
import { waitFor } from '../../support/wait.ts';

/**
 * The contract, tested from outside: for every operation of the served /openapi.json, requests
 * generated from the document's own schemas, valid and invalid, against a real `aidb serve`.
 * Every answer must be a status the operation documents (never a 5xx), with a body of the
 * documented schema and media type; a valid request is refused with 400 only by a documented
 * rule; an invalid one changes nothing. AIDB_PROPERTY_RUNS sets the runs per operation and
 * kind (default 30, a few thousand requests per profile); AIDB_PROPERTY_SEED replays a run.
 */
const runs = Number(process.env.AIDB_PROPERTY_RUNS ?? 30);
const seed =
  process.env.AIDB_PROPERTY_SEED === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.AIDB_PROPERTY_SEED);
// Each valid snapshot copies the whole embedded database: a few show the contract.
const validRunsOf: Readonly<Record<string, number>> = { snapshot: 3 };
// Codes of schema failures: a valid request refused with one of these is a contract breach.
const schemaCodes = new Set(['invalid_body', 'invalid_query', 'invalid_path', 'invalid_json']);

function validators(document: { components: unknown }): Validators {
  const make = (coerceTypes: boolean) => {
    const ajv = new Ajv2020({ strict: false, allErrors: false, coerceTypes });
    addFormats.default(ajv);
    const cache = new Map<Schema, ReturnType<typeof ajv.compile>>();
    return (schema: Schema) => {
      let compiled = cache.get(schema);
      if (compiled === undefined) {
        compiled = ajv.compile({ ...schema, components: document.components });
        cache.set(schema, compiled);
      }
      return compiled;
    };
  };
  const json = make(false);
  const query = make(true);
  return {
    json,
    // Query values arrive as strings; the document's integer means a string of one. ajv
    // coerces a value inside an object, so the value is checked as a property.
    query: (schema) => {
      const check = query({ type: 'object', properties: { value: schema } });
      return Object.assign((value: unknown) => check({ value }), check);
    },
  };
}

describe.each(['embedded', 'external'] as const)(
  'the OpenAPI contract on the %s profile',
  (profile) => {
    let backends: ProfileBackends;
    let service: AidbProcess;
    let document: any;
    let v: Validators;
    beforeAll(async () => {
      backends = await profileBackends[profile]();
      service = await startServe({
        ...(await backends.env()),
        AIDB_LOG_LEVEL: 'error',
        ...(profile === 'embedded'
          ? {
              AIDB_DATA_DIR: `${process.env.AIDB_TEST_RUN_DIR ?? '/tmp'}/property-${String(process.pid)}`,
            }
          : {}),
        // Budgets no generated run can use up: the limiter still runs on every request.
        AIDB_RATE_LIMIT_SEARCH_PER_MINUTE: '1000000',
        AIDB_RATE_LIMIT_WRITE_PER_MINUTE: '1000000',
        AIDB_RATE_LIMIT_READ_PER_MINUTE: '1000000',
        AIDB_RATE_LIMIT_ADMIN_PER_MINUTE: '1000000',
        AIDB_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '1000000',
      });
      await waitFor(
        'readiness',
        async () => (await call(service.url, 'GET', '/health/ready')).status === 200,
        { timeoutMs: 60_000 },
      );
      document = (await call(service.url, 'GET', '/openapi.json')).body;
      v = validators(document);
      expect(
        (
          await call(service.url, 'PUT', '/v1/collections/victim', {
            description: 'must not change',
          })
        ).status,
      ).toBe(201);
      expect((await call(service.url, 'PUT', '/v1/collections/playground', {})).status).toBe(201);
      const seeded = await call(service.url, 'POST', '/v1/collections/victim/documents', {
        documents: [
          { id: 'a1', title: 'one', content: 'the victim keeps this text', metadata: { k: 'v' } },
          { id: 'a2', content: 'and this one too' },
        ],
      });
      expect(seeded.status).toBe(200);
      await waitFor(
        'the victim indexed',
        async () =>
          (await call(service.url, 'GET', '/v1/collections/victim')).body.vectors_pending === 0,
      );
    });
    afterAll(async () => {
      await service.stop();
      await backends.close();
    });

    async function victim(): Promise<string> {
      const collection = await fetch(`${service.url}/v1/collections/victim`, {
        headers: { authorization: `Bearer ${testKeys.admin}` },
      });
      const documents = await fetch(`${service.url}/v1/collections/victim/documents?limit=100`, {
        headers: { authorization: `Bearer ${testKeys.admin}` },
      });
      return `${await collection.text()}\n${await documents.text()}`;
    }

    /** Everything that is wrong with one answer, as sentences; empty when it keeps the contract. */
    function breaches(
      operation: Operation,
      request: GeneratedRequest,
      status: number,
      type: string,
      text: string,
    ): string[] {
      const found: string[] = [];
      if (status >= 500) found.push(`answered ${String(status)}`);
      // OpenAPI's `default` covers every status not listed (this document lists them all).
      const documented = operation.responses[String(status)] ?? operation.responses.default;
      if (documented === undefined) return [...found, `status ${String(status)} is not documented`];
      const media = Object.keys(documented.content ?? {});
      if (media.length === 0) {
        if (text !== '') found.push('a body where the document says none');
        return found;
      }
      const base = type.split(';')[0]?.trim() ?? '';
      if (!media.includes(base)) found.push(`content type ${type} is not ${media.join(' or ')}`);
      const schema = documented.content?.[base]?.schema;
      let body: any;
      if (base.endsWith('json') && schema !== undefined) {
        try {
          body = JSON.parse(text);
        } catch {
          return [...found, 'a JSON media type with a body that is not JSON'];
        }
        const check = v.json(schema);
        if (!check(body))
          found.push(
            `body does not match the documented schema: ${JSON.stringify(check.errors?.slice(0, 2))}`,
          );
      }
      if (request.valid && status === 400 && schemaCodes.has(body?.code))
        found.push(
          `a valid request refused with ${String(body?.code)}: ${JSON.stringify(body?.errors ?? body?.detail)}`,
        );
      if (!request.valid && status < 400)
        found.push(`an invalid request (${request.broken ?? ''}) accepted with ${String(status)}`);
      return found;
    }

    it('keeps the contract for every operation, valid and invalid requests alike', async () => {
      const operations = operationsOf(document);
      const counts = { valid: 0, invalid: 0, victimReads: 0 };
      const statuses = new Map<string, Set<number>>();
      const fixtures = {
        known: { name: ['playground'], id: ['p1'] },
        victim: { name: 'victim', id: 'a1' },
      };
      for (const operation of operations) {
        for (const kind of ['valid', 'invalid'] as const) {
          const requests =
            kind === 'valid'
              ? validRequests(operation, v, fixtures)
              : invalidRequests(operation, v, fixtures);
          const changes = kind === 'invalid' && operation.method !== 'GET';
          await fc.assert(
            fc.asyncProperty(requests, async (request) => {
              const before = changes ? await victim() : '';
              const response = await fetch(`${service.url}${request.path}`, {
                method: request.method,
                headers: {
                  authorization: `Bearer ${testKeys.admin}`,
                  ...(request.contentType === undefined
                    ? {}
                    : { 'content-type': request.contentType }),
                },
                body: request.body,
              });
              const text = await response.text();
              counts[kind] += 1;
              const seen = statuses.get(operation.id) ?? new Set<number>();
              statuses.set(operation.id, seen.add(response.status));
              const found = breaches(
                operation,
                request,
                response.status,
                response.headers.get('content-type') ?? '',
                text,
              );
              if (changes) {
                counts.victimReads += 2;
                if ((await victim()) !== before) found.push('the victim collection changed');
              }
              if (found.length > 0)
                throw new Error(
                  `${operation.id}: ${found.join('; ')}\n  ${curlOf(service.url, request)}\n  → ${String(response.status)} ${text.slice(0, 300)}`,
                );
            }),
            {
              numRuns: kind === 'valid' ? (validRunsOf[operation.id] ?? runs) : runs,
              seed,
              endOnFailure: false,
            },
          );
        }
      }
      const covered = operations.filter((op) => statuses.has(op.id)).length;
      process.stdout.write(
        `openapi property (${profile}): ${String(counts.valid + counts.invalid)} requests (${String(counts.valid)} valid, ${String(counts.invalid)} invalid) + ${String(counts.victimReads)} victim reads; ${String(covered)}/${String(operations.length)} operations covered; seed ${String(seed)}\n`,
      );
      expect(covered).toBe(operations.length);
    }, 600_000);
  },
);
