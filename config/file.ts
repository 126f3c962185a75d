import { load as parseYaml } from 'js-yaml';

export type FileContent =
  | { readonly ok: true; readonly data: Record<string, unknown> }
  | { readonly ok: false; readonly problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the optional YAML config file; an empty file is an empty mapping. */
export function readConfigFile(path: string, readFile: (path: string) => string): FileContent {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, problem: `config file ${path}: cannot read it (${code})` };
  }
  if (text.trim() === '') return { ok: true, data: {} };
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'invalid YAML';
    return { ok: false, problem: `config file ${path}: ${reason}` };
  }
  if (data === undefined || data === null) return { ok: true, data: {} };
  if (!isRecord(data)) return { ok: false, problem: `config file ${path}: must be a YAML mapping` };
  return expandDottedKeys(data, path);
}

/**
 * Top-level keys may be dotted paths (`service.port: 8092`), as the settings table names them;
 * they merge into the nested form. The same setting given both ways is a problem, not a choice.
 */
function expandDottedKeys(data: Record<string, unknown>, path: string): FileContent {
  const nested: Record<string, unknown> = {};
  const dotted = Object.entries(data).filter(([key]) => key.includes('.'));
  for (const [key, value] of Object.entries(data)) if (!key.includes('.')) nested[key] = value;
  for (const [key, value] of dotted) {
    const segments = key.split('.');
    if (segments.includes('')) return { ok: false, problem: `config file ${path}: bad key ${key}` };
    if (getPath(nested, segments) !== undefined)
      return { ok: false, problem: `config file ${path}: ${key} is given twice` };
    setPath(nested, segments, value);
    if (getPath(nested, segments) !== value)
      return {
        ok: false,
        problem: `config file ${path}: ${key} is inside a value that is not a mapping`,
      };
  }
  return { ok: true, data: nested };
}

/** Value at a dotted path of nested mappings, or undefined. */
export function getPath(data: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = data;
  for (const key of path) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets a value at a dotted path, creating mappings on the way. */
export function setPath(
  data: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): void {
  let node = data;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    // A non-mapping here is a file error that validation reports; do not paper over it.
    if (next !== undefined && !isRecord(next)) return;
    const child: Record<string, unknown> = isRecord(next) ? next : {};
    node[key] = child;
    node = child;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}
