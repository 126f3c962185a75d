/**
 * A small subset of JSONPath (RFC 9535) for probe body conditions: an optional `$`, then
 * `.member` or `[index]` steps, e.g. `$.checks.postgres.status` or `items[0].name`. Filters,
 * wildcards and recursive descent are left out: a probe checks one value.
 */
export type JsonPathStep = string | number;

const step = /^(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\])/;

/** Parses a path into its steps; throws SyntaxError naming the position of the first bad step. */
export function parseJsonPath(path: string): readonly JsonPathStep[] {
  let rest = path.startsWith('$') ? path.slice(1) : path;
  // A bare leading member (`status.code`) reads as `$.status.code`.
  if (/^[A-Za-z_]/.test(rest)) rest = `.${rest}`;
  const steps: JsonPathStep[] = [];
  while (rest !== '') {
    const match = step.exec(rest);
    if (match === null) {
      throw new SyntaxError(`json-path: unexpected "${rest}" in ${JSON.stringify(path)}`);
    }
    steps.push(match[1] ?? Number(match[2]));
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/** The value the path selects, or undefined when any step is missing. */
export function selectJsonPath(value: unknown, steps: readonly JsonPathStep[]): unknown {
  let node = value;
  for (const key of steps) {
    if (typeof key === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[key];
    } else {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
      if (!Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
  }
  return node;
}
