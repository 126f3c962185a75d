import type { authFailureReasons } from '../../catalog/labels.ts';
import { findKey, scopeAllows, type ApiKey, type KeyScope } from '../../lib/api-keys.ts';

/** What a route asks of its caller: nothing, or a key holding a scope. */
export type Requirement =
  | { readonly key: 'none' }
  /** Reads when `auth.readsRequireKey` is off: a key is welcome but not needed. */
  | { readonly key: 'optional'; readonly scope: KeyScope }
  | { readonly key: 'required'; readonly scope: KeyScope };

export type AuthFailureReason = (typeof authFailureReasons)[number];

export type AuthResult =
  | { readonly ok: true; readonly key: ApiKey | undefined }
  | { readonly ok: false; readonly reason: AuthFailureReason };

const bearer = /^Bearer +([\x21-\x7e]{1,512})$/i;

/** Decides a request from its `Authorization` header alone. */
export function authenticate(
  keys: readonly ApiKey[],
  requirement: Requirement,
  authorization: string | undefined,
): AuthResult {
  if (requirement.key === 'none') return { ok: true, key: undefined };
  if (authorization === undefined || authorization === '') {
    return requirement.key === 'optional'
      ? { ok: true, key: undefined }
      : { ok: false, reason: 'missing_key' };
  }
  const presented = bearer.exec(authorization)?.[1];
  const key = presented === undefined ? undefined : findKey(keys, presented);
  if (key === undefined) return { ok: false, reason: 'invalid_key' };
  if (!scopeAllows(key.scope, requirement.scope))
    return { ok: false, reason: 'insufficient_scope' };
  return { ok: true, key };
}
