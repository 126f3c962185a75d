import { z } from 'zod';

/**
 * PostgreSQL rejects NUL in text (SQLSTATE 22021) and silently replaces unpaired UTF-16
 * surrogates; either would turn a valid-looking request into a 500 or a changed value. Rejecting
 * them here is the whole defence needed: everything else is stored verbatim through parameters.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

const storableMessage = 'must not contain NUL characters or unpaired surrogates';

/**
 * The same rule as a JSON Schema pattern, so the OpenAPI document carries it: any character but
 * NUL and the surrogate range, or a high surrogate followed by a low one. It means the same with
 * and without the regular expression's `u` flag (with it, a pair is one character outside the
 * range; without it, the second branch matches the pair).
 */
export const storableTextPattern =
  '^(?:[^\\u0000\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*$';

/** A string that PostgreSQL stores exactly as sent, at most `max` characters. */
export function text(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine(isStorableText, storableMessage)
    .meta({ pattern: storableTextPattern });
}

export const collectionName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    'must be 1–64 characters of a-z, 0-9, "_" and "-", starting with a letter or digit',
  );

export const documentId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/,
    'must be 1–128 characters of A-Z, a-z, 0-9, ".", "_", ":", "@" and "-", starting with a letter or digit',
  );

export const metadataLimits = { keys: 32, keyLength: 64, valueLength: 1024 } as const;

// `__proto__` would pass the pattern, but the JSON parser refuses it (prototype poisoning):
// the document says so rather than let a client meet the refusal as a surprise.
const metadataKey = z
  .string()
  .regex(
    /^[A-Za-z0-9_.-]{1,64}$/,
    'metadata keys are 1–64 characters of A-Z, a-z, 0-9, "_", "." and "-"',
  )
  .refine((key) => key !== '__proto__', 'a metadata key may not be "__proto__"')
  .meta({ not: { const: '__proto__' } });

/** Flat values only: nested objects would make equality filters and size bounds ambiguous. */
export const metadataValue = z.union([
  text(metadataLimits.valueLength),
  z.number(),
  z.boolean(),
  z.null(),
]);

export const metadata = z
  .record(metadataKey, metadataValue)
  .refine((value) => Object.keys(value).length <= metadataLimits.keys, {
    error: `at most ${metadataLimits.keys} keys`,
  })
  .meta({ maxProperties: metadataLimits.keys });

export const timestamp = z.iso.datetime({ offset: true });

/** Opaque pagination cursor handed out by the server. */
export const cursor = z.string().min(1).max(512);
