import { describe, expect, it } from 'vitest';
import { authenticate } from '../../../service/auth/authenticate.ts';
import {
  findKey,
  generateKey,
  hashKey,
  keyEntry,
  parseApiKeys,
  scopeAllows,
} from '../../../lib/api-keys.ts';
import { routeRequirement } from '../../../service/auth/requirement.ts';

describe('API keys', () => {
  it('parses the entries `aidb keys create` prints and plain entries, and finds keys by value', () => {
    const key = generateKey();
    const { keys, problems } = parseApiKeys(
      `${keyEntry('ci', 'write', key)},\nops:admin:plain:a-plain-key-of-16+chars`,
    );
    expect(problems).toEqual([]);
    expect(keys.map((k) => [k.name, k.scope])).toEqual([
      ['ci', 'write'],
      ['ops', 'admin'],
    ]);
    expect(findKey(keys, key)?.name).toBe('ci');
    expect(findKey(keys, 'a-plain-key-of-16+chars')?.name).toBe('ops');
    expect(findKey(keys, `${key}x`)).toBeUndefined();
    expect(hashKey(key).toString('hex')).toBe(keyEntry('x', 'read', key).split(':')[3]);
  });

  it('makes keys that differ and are long enough to be unguessable', () => {
    const a = generateKey();
    expect(a).toMatch(/^aidb_[A-Za-z0-9_-]{43}$/);
    expect(generateKey()).not.toBe(a);
  });

  it('names each bad entry without echoing its secret part', () => {
    const { problems } = parseApiKeys(
      'bad name:read:plain:secret-secret-secret,x:root:plain:secret-secret-secret,' +
        'y:read:sha256:nothex,z:read:plain:short,z:read:plain:secret-secret-secret2,z:read:plain:secret-secret-secret3',
    );
    expect(problems).toEqual([
      'API key entry 1: the name must be 1-64 of [A-Za-z0-9_.-]',
      'API key entry 2 (x): the scope must be one of read, write, admin',
      'API key entry 3 (y): expected sha256:<64 lowercase hex digits> or plain:<key of 16+ characters>',
      'API key entry 4 (z): expected sha256:<64 lowercase hex digits> or plain:<key of 16+ characters>',
      'API key name z is used twice',
    ]);
    expect(problems.join('\n')).not.toContain('secret');
    expect(parseApiKeys(' , ').problems).toEqual(['no API key entries']);
    // A bare key pasted where an entry belongs fits the name pattern; it must not be echoed.
    const bare = generateKey();
    expect(parseApiKeys(bare).problems).toEqual([
      'API key entry 1: expected name:scope:sha256:<hex> or name:scope:plain:<key>',
    ]);
  });

  it('orders scopes read < write < admin', () => {
    expect(scopeAllows('admin', 'write')).toBe(true);
    expect(scopeAllows('write', 'read')).toBe(true);
    expect(scopeAllows('write', 'admin')).toBe(false);
    expect(scopeAllows('read', 'write')).toBe(false);
  });
});

describe('authenticate', () => {
  const { keys } = parseApiKeys(
    'reader:read:plain:reader-key-0123456789,writer:write:plain:writer-key-0123456789',
  );
  const write = { key: 'required', scope: 'write' } as const;

  it('accepts a key holding the scope, refuses missing, unknown and malformed ones', () => {
    expect(authenticate(keys, write, 'Bearer writer-key-0123456789')).toMatchObject({ ok: true });
    expect(authenticate(keys, write, 'bearer  writer-key-0123456789')).toMatchObject({ ok: true });
    expect(authenticate(keys, write, undefined)).toEqual({ ok: false, reason: 'missing_key' });
    expect(authenticate(keys, write, 'Bearer nope')).toEqual({ ok: false, reason: 'invalid_key' });
    expect(authenticate(keys, write, 'Basic d3JpdGVyOng=')).toEqual({
      ok: false,
      reason: 'invalid_key',
    });
    expect(authenticate(keys, write, 'Bearer reader-key-0123456789')).toEqual({
      ok: false,
      reason: 'insufficient_scope',
    });
  });

  it('lets open reads through without a key but still refuses a wrong one', () => {
    const open = routeRequirement({ scope: 'read' }, false);
    expect(authenticate(keys, open, undefined)).toEqual({ ok: true, key: undefined });
    expect(authenticate(keys, open, 'Bearer wrong')).toEqual({ ok: false, reason: 'invalid_key' });
    expect(routeRequirement({ scope: 'read', keyAlways: true }, false)).toEqual({
      key: 'required',
      scope: 'read',
    });
    expect(routeRequirement({ scope: 'public' }, true)).toEqual({ key: 'none' });
    expect(authenticate(keys, { key: 'none' }, 'Bearer wrong')).toMatchObject({ ok: true });
  });
});
