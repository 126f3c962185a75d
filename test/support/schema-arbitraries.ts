import fc from 'fast-check';

/** A JSON Schema (2020-12) as the OpenAPI document holds it. */
export type Schema = Readonly<Record<string, unknown>>;

// Keywords the generator understands; one it does not know fails loudly, so a new rule in the
// document cannot be silently ignored by the property test.
const known = new Set([
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'maxProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'not',
  'format',
  'minimum',
  'maximum',
  'default',
  'description',
  'title',
]);

// How long generated strings and arrays get, besides the exact bounds tried on purpose: long
// enough to cross a boundary, short enough that thousands of requests stay quick.
const smallLength = 12;

function checkKeywords(schema: Schema): void {
  for (const key of Object.keys(schema))
    if (!known.has(key)) throw new Error(`schema arbitraries: unsupported keyword ${key}`);
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function integers(schema: Schema): fc.Arbitrary<number> {
  const min = num(schema.minimum) ?? Number.MIN_SAFE_INTEGER;
  const max = num(schema.maximum) ?? Number.MAX_SAFE_INTEGER;
  // The bounds themselves, always among the candidates: off-by-one and column-width defects
  // live there (a TTL schema admitting 2^31 once answered 500).
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    { weight: 4, arbitrary: fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number) },
  );
}

function numbers(schema: Schema): fc.Arbitrary<number> {
  const min = num(schema.minimum) ?? -1e12;
  const max = num(schema.maximum) ?? 1e12;
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    { weight: 4, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
  );
}

function strings(schema: Schema): fc.Arbitrary<string> {
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = num(schema.maxLength) ?? 4096;
  const fits = (s: string) => {
    const length = Array.from(s).length;
    return length >= minLength && length <= maxLength;
  };
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const base =
    pattern === undefined
      ? fc.string({ unit: 'binary', minLength, maxLength: Math.min(maxLength, smallLength) })
      : fc.stringMatching(pattern).filter(fits);
  // The longest string the schema admits, of each character that its pattern takes (filters
  // that never pass would make fast-check loop, so candidates are checked here).
  const longest =
    schema.maxLength === undefined
      ? []
      : ['a', '\u00e9', '\u{1f600}']
          .map((c) => c.repeat(maxLength))
          .filter((s) => maxLength <= 8192 && (pattern === undefined || pattern.test(s)));
  return longest.length === 0
    ? base
    : fc.oneof(
        { weight: 6, arbitrary: base },
        { weight: 1, arbitrary: fc.constantFrom(...longest) },
      );
}

function arrays(schema: Schema, root: Schema): fc.Arbitrary<unknown[]> {
  const items = arbitraryOf((schema.items ?? {}) as Schema, root);
  const minLength = num(schema.minItems) ?? 0;
  const maxLength = num(schema.maxItems) ?? smallLength;
  const base = fc.array(items, {
    minLength,
    maxLength: Math.max(minLength, Math.min(maxLength, 3)),
  });
  const primitive = ['number', 'integer', 'boolean'].includes(
    String((schema.items as Schema | undefined)?.type),
  );
  // Full-length arrays only of small items: a batch of 100 long documents is just a 413.
  return primitive
    ? fc.oneof(
        { weight: 4, arbitrary: base },
        { weight: 1, arbitrary: fc.array(items, { minLength: maxLength, maxLength }) },
      )
    : base;
}

function objects(schema: Schema, root: Schema): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const names = Object.keys(properties);
  if (names.length > 0 || schema.additionalProperties === false) {
    const record = Object.fromEntries(
      names.map((n) => [n, arbitraryOf(properties[n] ?? {}, root)]),
    );
    return fc.record(record, { requiredKeys: names.filter((n) => required.has(n)) });
  }
  const keys =
    schema.propertyNames === undefined
      ? fc.string()
      : (arbitraryOf(schema.propertyNames as Schema, root) as fc.Arbitrary<string>);
  const values =
    schema.additionalProperties === undefined
      ? fc.jsonValue()
      : arbitraryOf(schema.additionalProperties as Schema, root);
  const maxKeys = num(schema.maxProperties) ?? smallLength;
  return fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(keys, values, { maxKeys: Math.min(maxKeys, 4) }) },
    // As many keys as the schema allows: the count limits live there.
    { weight: 1, arbitrary: fc.dictionary(keys, values, { minKeys: maxKeys, maxKeys }) },
  );
}

/** A branch of oneOf/anyOf that only adds constraints (`{required: [...]}`) joins its parent. */
function branches(schema: Schema, key: 'oneOf' | 'anyOf'): Schema[] {
  const { [key]: list, ...parent } = schema;
  return (list as Schema[]).map((branch) =>
    branch.type === undefined && branch.anyOf === undefined && branch.enum === undefined
      ? {
          ...parent,
          required: [
            ...((parent.required ?? []) as string[]),
            ...((branch.required ?? []) as string[]),
          ],
        }
      : branch,
  );
}

/**
 * Values a schema calls valid, biased toward its boundaries. Only a candidate generator: the
 * caller keeps those ajv accepts, which is the document's own verdict.
 */
export function arbitraryOf(schema: Schema, root: Schema): fc.Arbitrary<unknown> {
  checkKeywords(schema);
  if (schema.not !== undefined) {
    const { not, ...rest } = schema;
    const excluded = excludedValues(not as Schema);
    return arbitraryOf(rest, root).filter((value) => !excluded.includes(value));
  }
  if (Array.isArray(schema.oneOf))
    return fc.oneof(...branches(schema, 'oneOf').map((b) => arbitraryOf(b, root)));
  if (Array.isArray(schema.anyOf))
    return fc.oneof(...branches(schema, 'anyOf').map((b) => arbitraryOf(b, root)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string':
      return strings(schema);
    case 'integer':
      return integers(schema);
    case 'number':
      return numbers(schema);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrays(schema, root);
    case 'object':
      return objects(schema, root);
    default:
      return fc.jsonValue();
  }
}

/** The values a `not` excludes; only `const` and `enum` are understood, anything else fails. */
function excludedValues(not: Schema): unknown[] {
  if ('const' in not && Object.keys(not).length === 1) return [not.const];
  if (Array.isArray(not.enum) && Object.keys(not).length === 1) return not.enum as unknown[];
  throw new Error(`schema arbitraries: unsupported not ${JSON.stringify(not)}`);
}

/** Values just past each bound of a schema: one character, item, key or unit too many or few. */
export function violationsOf(schema: Schema): unknown[] {
  const out: unknown[] = [];
  const n = (key: string) => num(schema[key]);
  if (schema.type === 'integer' || schema.type === 'number') {
    if (n('maximum') !== undefined) out.push((n('maximum') ?? 0) + 1);
    if (n('minimum') !== undefined) out.push((n('minimum') ?? 0) - 1);
    if (schema.type === 'integer') out.push(1.5);
    out.push('1');
  }
  if (schema.not !== undefined) out.push(...excludedValues(schema.not as Schema));
  if (schema.type === 'string') {
    if (n('maxLength') !== undefined) out.push('a'.repeat((n('maxLength') ?? 0) + 1));
    if ((n('minLength') ?? 0) > 0) out.push('');
    if (typeof schema.pattern === 'string') out.push('a\u0000b', 'a\ud800b', 'Not Valid!', '-x');
    out.push(7);
  }
  if (schema.type === 'array') {
    if (n('maxItems') !== undefined)
      out.push(Array.from({ length: (n('maxItems') ?? 0) + 1 }, () => 1));
    if ((n('minItems') ?? 0) > 0) out.push([]);
    out.push({});
  }
  if (schema.type === 'object') {
    if (n('maxProperties') !== undefined)
      out.push(
        Object.fromEntries(
          Array.from({ length: (n('maxProperties') ?? 0) + 1 }, (_, i) => [`k${String(i)}`, 1]),
        ),
      );
    out.push([], 'object');
  }
  if (Array.isArray(schema.anyOf))
    for (const branch of schema.anyOf as Schema[]) out.push(...violationsOf(branch));
  return out;
}
