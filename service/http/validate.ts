import type { z } from 'zod';
import type { ProblemCode } from '../api/problems.ts';
import { ProblemError, type FieldError } from './problems.ts';

/** Where an input comes from, and the problem code a failure there gets. */
export const inputSources = {
  body: 'invalid_body',
  query: 'invalid_query',
  params: 'invalid_path',
} as const satisfies Record<string, ProblemCode>;
export type InputSource = keyof typeof inputSources;

function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (field === '' ? k : `${field}.${k}`));
      return { field: keys.join(', '), message: 'unknown field' };
    }
    return { field: field === '' ? '(root)' : field, message: issue.message };
  });
}

/** Parses an input with its schema; a failure names every failing field in one 400. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: InputSource,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  const detail = `${errors.length} invalid ${errors.length === 1 ? 'field' : 'fields'}: ${errors.map((e) => e.field).join('; ')}`;
  throw new ProblemError(inputSources[source], detail, { errors });
}
