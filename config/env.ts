import type { SettingInfo, ValueKind } from './describe.ts';
import { formatOrigin, type Origin } from './origin.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export type EnvValue =
  | { readonly ok: true; readonly value: unknown; readonly origin: Origin }
  | { readonly ok: false; readonly problem: string };

const booleans: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
};

function coerce(kind: ValueKind, raw: string): { value: unknown } | { expected: string } {
  switch (kind) {
    case 'number': {
      const value = Number(raw);
      return raw.trim() !== '' && Number.isFinite(value) ? { value } : { expected: 'a number' };
    }
    case 'boolean': {
      const value = booleans[raw.trim().toLowerCase()];
      return value === undefined ? { expected: 'true or false' } : { value };
    }
    case 'list':
      return { value: raw.split(',').flatMap((item) => (item.trim() === '' ? [] : [item.trim()])) };
    case 'string':
      return { value: raw };
  }
}

// A trailing newline is how editors and `echo` end a secret file; it is never part of the secret.
function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/**
 * Reads one setting from the environment: `X`, or for secrets also `X_FILE`.
 * Returns undefined when neither is set (an empty variable counts as unset).
 */
export function readEnvSetting(
  info: SettingInfo,
  env: Env,
  readFile: (path: string) => string,
): EnvValue | undefined {
  if (info.env === false) return undefined;
  const name = info.env;
  const direct = env[name] === '' ? undefined : env[name];
  const filePath =
    info.secret === true && env[`${name}_FILE`] !== '' ? env[`${name}_FILE`] : undefined;
  if (direct !== undefined && filePath !== undefined) {
    return { ok: false, problem: `${info.path}: set ${name} or ${name}_FILE, not both` };
  }
  let raw = direct;
  let origin: Origin = { kind: 'env', name };
  if (filePath !== undefined) {
    origin = { kind: 'env', name: `${name}_FILE` };
    try {
      raw = stripFinalNewline(readFile(filePath));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return { ok: false, problem: `${info.path}: cannot read ${name}_FILE ${filePath} (${code})` };
    }
  }
  if (raw === undefined) return undefined;
  const coerced = coerce(info.kind, raw);
  if ('expected' in coerced) {
    const got = info.secret === true ? 'a value' : JSON.stringify(raw);
    return {
      ok: false,
      problem: `${info.path}: expected ${coerced.expected}, got ${got} (${formatOrigin(origin)})`,
    };
  }
  return { ok: true, value: coerced.value, origin };
}
