import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthFailureReason } from '../catalog/labels.ts';

/** Scopes a key can hold, weakest first: each one includes those before it. */
export const keyScopes = ['read', 'write', 'admin'] as const;
export type KeyScope = (typeof keyScopes)[number];

export interface ApiKey {
  readonly name: string;
  readonly scope: KeyScope;
  /** SHA-256 of the key: the service never holds a key itself once configured. */
  readonly hash: Buffer;
}

const keyPrefix = 'aidb_';
/** Key names appear in logs and rate-limit keys: short, and nothing that needs escaping. */
export const keyNamePattern = /^[A-Za-z0-9_.-]{1,64}$/;
const hexPattern = /^[0-9a-f]{64}$/;

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** A new key: 32 random bytes, prefixed so secret scanners and humans recognise it. */
export function generateKey(): string {
  return `${keyPrefix}${randomBytes(32).toString('base64url')}`;
}

/** The configuration entry of a key: `name:scope:sha256:<hex>`. */
export function keyEntry(name: string, scope: KeyScope, key: string): string {
  return `${name}:${scope}:sha256:${hashKey(key).toString('hex')}`;
}

/**
 * Parses `AIDB_API_KEYS`: entries separated by commas or newlines, each
 * `name:scope:sha256:<hex>` or `name:scope:plain:<key>` (for a key kept in a secret file).
 * Problems name the entry by position and name, never by its secret part.
 */
export function parseApiKeys(text: string): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  const entries = text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
  entries.forEach((entry, index) => {
    const [name = '', scope = '', kind = '', ...rest] = entry.split(':');
    const secret = rest.join(':');
    const where = `API key entry ${String(index + 1)}`;
    // An entry without separators is most likely a bare key pasted in: never echo it as a name.
    if (!entry.includes(':'))
      problems.push(`${where}: expected name:scope:sha256:<hex> or name:scope:plain:<key>`);
    else if (!keyNamePattern.test(name))
      problems.push(`${where}: the name must be 1-64 of [A-Za-z0-9_.-]`);
    else if (!(keyScopes as readonly string[]).includes(scope))
      problems.push(`${where} (${name}): the scope must be one of ${keyScopes.join(', ')}`);
    else if (kind === 'sha256' && hexPattern.test(secret))
      keys.push({ name, scope: scope as KeyScope, hash: Buffer.from(secret, 'hex') });
    else if (kind === 'plain' && secret.length >= 16)
      keys.push({ name, scope: scope as KeyScope, hash: hashKey(secret) });
    else
      problems.push(
        `${where} (${name}): expected sha256:<64 lowercase hex digits> or plain:<key of 16+ characters>`,
      );
  });
  const names = keys.map((key) => key.name);
  for (const name of new Set(names.filter((each, i) => names.indexOf(each) !== i)))
    problems.push(`API key name ${name} is used twice`);
  if (entries.length === 0) problems.push('no API key entries');
  return { keys, problems };
}

/**
 * The configured key a presented one matches. Every entry is compared, in constant time, so
 * the time taken says nothing about which entry or how much of it matched.
 */
export function findKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  const hash = hashKey(presented);
  let found: ApiKey | undefined;
  for (const key of keys) if (timingSafeEqual(key.hash, hash)) found ??= key;
  return found;
}

export function scopeAllows(held: KeyScope, needed: KeyScope): boolean {
  return keyScopes.indexOf(held) >= keyScopes.indexOf(needed);
}

/** A request's key accepted (absent where none is required), or why it was refused. */
export type KeyCheck =
  | { readonly ok: true; readonly key: ApiKey | undefined }
  | { readonly ok: false; readonly reason: AuthFailureReason };

const bearer = /^Bearer +([\x21-\x7e]{1,512})$/i;

/**
 * Decides a request from its `Authorization: Bearer <key>` header: the key must be configured
 * and hold `scope`. With `optional`, a request without any key passes (open reads).
 */
export function checkBearer(
  keys: readonly ApiKey[],
  scope: KeyScope,
  authorization: string | undefined,
  optional = false,
): KeyCheck {
  if (authorization === undefined || authorization === '')
    return optional ? { ok: true, key: undefined } : { ok: false, reason: 'missing_key' };
  const presented = bearer.exec(authorization)?.[1];
  const key = presented === undefined ? undefined : findKey(keys, presented);
  if (key === undefined) return { ok: false, reason: 'invalid_key' };
  if (!scopeAllows(key.scope, scope)) return { ok: false, reason: 'insufficient_scope' };
  return { ok: true, key };
}
