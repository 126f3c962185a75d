import type { AuthFailureReason } from '../../catalog/labels.ts';
import { checkBearer, type ApiKey, type KeyScope } from '../../lib/api-keys.ts';

/** What a route asks of its caller: nothing, or a key holding a scope. */
export type Requirement =
  | { readonly key: 'none' }
  /** Reads when `auth.readsRequireKey` is off: a key is welcome but not needed. */
  | { readonly key: 'optional'; readonly scope: KeyScope }
  | { readonly key: 'required'; readonly scope: KeyScope };

export type AuthResult =
  | { readonly ok: true; readonly key: ApiKey | undefined }
  | { readonly ok: false; readonly reason: AuthFailureReason };

/** Decides a request from its `Authorization` header alone. */
export function authenticate(
  keys: readonly ApiKey[],
  requirement: Requirement,
  authorization: string | undefined,
): AuthResult {
  if (requirement.key === 'none') return { ok: true, key: undefined };
  return checkBearer(keys, requirement.scope, authorization, requirement.key === 'optional');
}
