import { z } from 'zod';
import type { RouteDef } from '../routes/route.ts';
import { problemStatus } from './problems.ts';

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

function operation(route: RouteDef): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    responses[status] =
      doc.schema === undefined
        ? { description: doc.description }
        : {
            description: doc.description,
            content: { 'application/json': { schema: schemaOf(doc.schema, 'output') } },
          };
  }
  responses.default = {
    description: 'An error, as RFC 9457 problem details with a stable code',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
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
            required: true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }),
    responses,
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
      description: 'Knowledge base API: collections, documents, embeddings and vector search.',
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
