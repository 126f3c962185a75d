/**
 * The API reference (docs/api.md) rendered from the service's OpenAPI document, so it can only
 * describe routes the service has, with the limits its zod schemas enforce.
 */
import { storableTextPattern } from '../service/api/common.ts';
import { apiExamples } from './api-examples.ts';

type Schema = Record<string, unknown>;

interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly security?: readonly unknown[];
  readonly 'x-aidb-scope'?: string;
  readonly parameters: readonly { name: string; in: string; required: boolean; schema: Schema }[];
  readonly requestBody?: { content: Record<string, { schema: Schema }> };
  readonly responses: Record<
    string,
    { description: string; content?: Record<string, { schema: Schema }> }
  >;
}

export interface OpenApiDocument {
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Record<string, Operation>>;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** A short type: `string`, `integer[]`, `string \| null`, `object`. */
export function typeOf(schema: Schema): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(typeOf).join(' | ');
  if (Array.isArray(schema.enum))
    return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.type)) return (schema.type as string[]).join(' | ');
  if (schema.type === 'array') return `${typeOf((schema.items ?? {}) as Schema)}[]`;
  return typeof schema.type === 'string' ? schema.type : 'any';
}

// JSON Schema's integer bounds that only say "a safe integer" tell a reader nothing.
const safeInteger = 9007199254740991;

/** The limits a schema sets, in words. */
export function limitsOf(schema: Schema): string {
  const limits: string[] = [];
  const add = (key: string, label: string) => {
    const value = schema[key];
    if (value !== undefined && Math.abs(Number(value)) !== safeInteger) {
      limits.push(`${label} ${JSON.stringify(value)}`);
    }
  };
  add('minLength', 'min length');
  add('maxLength', 'max length');
  add('minItems', 'min items');
  add('maxItems', 'max items');
  add('minimum', 'min');
  add('maximum', 'max');
  add('default', 'default');
  // zod writes a 300-character regular expression beside the format; the name says it all.
  if (schema.format === 'date-time') limits.push('RFC 3339 date-time');
  else if (schema.pattern === storableTextPattern) limits.push('no NUL or unpaired surrogates');
  else if (typeof schema.pattern === 'string') limits.push(`pattern \`${schema.pattern}\``);
  if (schema.maxProperties !== undefined)
    limits.push(`max properties ${JSON.stringify(schema.maxProperties)}`);
  return limits.join(', ');
}

/** The properties of an object schema, or of the objects an array holds. */
function propertiesOf(schema: Schema): Record<string, Schema> | undefined {
  const object = schema.type === 'array' ? ((schema.items ?? {}) as Schema) : schema;
  return object.type === 'object' && object.properties !== undefined
    ? (object.properties as Record<string, Schema>)
    : undefined;
}

/** Rows of a schema's fields, nested ones as `documents[].id` or `metadata.key`. */
function fieldRows(schema: Schema, prefix: string, depth: number): string[] {
  const object = schema.type === 'array' ? ((schema.items ?? {}) as Schema) : schema;
  const properties = propertiesOf(schema) ?? {};
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const row = `| \`${path}\` | ${cell(typeOf(property))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(limitsOf(property))} |`;
    const nested = depth < 2 && propertiesOf(property) !== undefined;
    const childPrefix = `${path}${property.type === 'array' ? '[]' : ''}.`;
    return [row, ...(nested ? fieldRows(property, childPrefix, depth + 1) : [])];
  });
}

function fieldsTable(schema: Schema): string[] {
  const rows = fieldRows(schema, '', 0);
  if (rows.length === 0) return [];
  return ['| Field | Type | Required | Limits |', '| --- | --- | --- | --- |', ...rows, ''];
}

/** A body that takes one of several shapes gets a table for each. */
function bodyTables(schema: Schema): string[] {
  const forms = Array.isArray(schema.anyOf) ? (schema.anyOf as Schema[]) : [schema];
  if (forms.length === 1) return fieldsTable(forms[0] ?? {});
  return forms.flatMap((form, i) => [`${i === 0 ? 'Either' : 'or'}:`, '', ...fieldsTable(form)]);
}

function access(operation: Operation): string {
  const scope = operation['x-aidb-scope'];
  return scope === undefined ? 'public (no key)' : `API key with scope \`${scope}\``;
}

function renderOperation(method: string, path: string, operation: Operation): string[] {
  const lines = [`### ${method.toUpperCase()} ${path}`, '', `${operation.summary}.`, ''];
  lines.push(`Operation \`${operation.operationId}\`; access: ${access(operation)}.`, '');
  const example = apiExamples[`${method.toUpperCase()} ${path}`];
  if (example === undefined) throw new Error(`docs: no example for ${method} ${path}`);
  lines.push('```sh', ...example, '```', '');
  if (operation.parameters.length > 0) {
    lines.push('| Parameter | In | Type | Required | Limits |', '| --- | --- | --- | --- | --- |');
    for (const p of operation.parameters) {
      lines.push(
        `| \`${p.name}\` | ${p.in} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : 'no'} | ${cell(limitsOf(p.schema))} |`,
      );
    }
    lines.push('');
  }
  const body = operation.requestBody?.content['application/json']?.schema;
  if (body !== undefined) lines.push('Request body (JSON):', '', ...bodyTables(body));
  lines.push('| Status | Meaning |', '| --- | --- |');
  for (const [status, response] of Object.entries(operation.responses)) {
    lines.push(`| ${status} | ${cell(response.description)} |`);
  }
  lines.push('');
  const ok = operation.responses['200']?.content?.['application/json']?.schema;
  if (ok !== undefined && ok.properties !== undefined) {
    lines.push('Response 200 (JSON):', '', ...fieldsTable(ok));
  }
  return lines;
}

/** The whole reference: operations grouped by tag, tags and paths in document order. */
export function renderApiReference(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), ...renderOperation(method, path, operation)]);
    }
  }
  return [
    `# ${document.info.title} API reference (${document.info.version})`,
    '',
    '<!-- Generated by `npm run docs` from the OpenAPI document (GET /openapi.json); do not edit. -->',
    '',
    `${document.info.description} Clients send \`Authorization: Bearer <key>\`; errors are`,
    '`application/problem+json` (RFC 9457) with a stable `code`, the failing fields and the request id.',
    'The machine-readable form of this page is `GET /openapi.json` (OpenAPI 3.1).',
    '',
    'The examples run top to bottom against a fresh service (a test runs every one against a live',
    'service, so they cannot rot); they expect the address and an admin key in the environment,',
    'on the embedded default of `npm start`:',
    '',
    '```sh',
    'export AIDB_URL=http://127.0.0.1:8091 AIDB_KEY="$(cat data/api-key)"',
    '```',
    '',
    'Times are RFC 3339 date-times in UTC (`2026-05-01T12:00:00.000Z`).',
    '',
    ...[...byTag].flatMap(([tag, lines]) => [`## ${tag}`, '', ...lines]),
  ].join('\n');
}
