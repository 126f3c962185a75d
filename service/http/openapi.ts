import { z } from 'zod';
import type { RouteDef } from './route.ts';
import { problemStatus, type ProblemCode } from '../api/problems.ts';
import { problemContentType } from './problems.ts';
import { routeProblems } from './route-problems.ts';

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.enum(
    Object.keys(problemStatus) as [keyof typeof problemStatus, ...(keyof typeof problemStatus)[]],
  ),
  detail: z.string(),
  instance: z.string(),
  request_id: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

/** `/v1/collections/:name` → `/v1/collections/{name}` */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function parameters(route: RouteDef): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [location, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (schema === undefined) continue;
    const json = schemaOf(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      list.push({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        schema: property,
      });
    }
  }
  return list;
}

/** One response per status, each problem status naming the codes it carries and when. */
function responses(route: RouteDef): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    if (status === '204') {
      out[status] = { description: doc.description };
      continue;
    }
    const mediaType = doc.contentType ?? 'application/json';
    const schema =
      doc.schema === undefined
        ? mediaType === 'application/json'
          ? { type: 'object' }
          : { type: 'string' }
        : schemaOf(doc.schema, 'output');
    out[status] = { description: doc.description, content: { [mediaType]: { schema } } };
  }
  const byStatus = new Map<number, [ProblemCode, string][]>();
  for (const [code, when] of Object.entries(routeProblems(route)) as [ProblemCode, string][]) {
    const status = problemStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), [code, when]]);
  }
  for (const [status, problems] of [...byStatus].sort(([a], [b]) => a - b)) {
    if (out[String(status)] !== undefined)
      throw new Error(`openapi: ${route.operationId} documents ${status} as success and problem`);
    out[String(status)] = {
      description: problems.map(([code, when]) => `\`${code}\`: ${when}`).join('; '),
      content: {
        [problemContentType]: {
          schema: {
            $ref: '#/components/schemas/Problem',
            properties: { code: { enum: problems.map(([code]) => code) } },
          },
        },
      },
    };
  }
  return out;
}

function operation(route: RouteDef): JsonSchema {
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.scope === 'public' ? { security: [] } : { 'x-aidb-scope': route.scope }),
    parameters: parameters(route),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            // An absent body is read as `{}`: optional exactly when `{}` is a valid body.
            required: !route.body.safeParse({}).success,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }),
    responses: responses(route),
  };
}

/** The OpenAPI 3.1 document of the service, generated from the route table and its zod schemas. */
export function buildOpenApi(routes: readonly RouteDef[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'aidb',
      version,
      description:
        'Knowledge base API: collections, documents, embeddings and vector search. A method a path does not serve gets 405 with `Allow`; a path no route has gets 404 `route_not_found`.',
    },
    paths,
    components: {
      schemas: { Problem: schemaOf(problemSchema, 'output') },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An aidb API key' },
      },
    },
    security: [{ apiKey: [] }],
  };
}
