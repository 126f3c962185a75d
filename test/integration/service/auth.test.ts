import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKeyPath, readLocalKey } from '../../../lib/local-key.ts';
import type { RouteDef } from '../../../service/http/route.ts';
import { openApiPath } from '../../../service/http/openapi.ts';
import { parseExposition } from '../../support/exposition.ts';
import { bearer, startTestService, testKeys, type TestService } from '../../support/service.ts';

// A concrete path for a route template: every parameter gets a valid sample value.
const concrete = (route: RouteDef) =>
  route.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'name' ? 'kb' : 'doc-1'));

const keyFor = { read: testKeys.read, write: testKeys.write, admin: testKeys.admin } as const;
const rank = { public: 0, read: 1, write: 2, admin: 3 } as const;

describe('authentication and authorisation, driven by the route table', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await service.request('PUT', '/v1/collections/kb', {});
  });
  afterAll(async () => {
    await service.stop();
  });

  it('every route asks exactly the scope the table gives it', async () => {
    for (const route of service.routes) {
      const path = concrete(route);
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const none = await service.request(route.method, path, body, { authorization: '' });
      if (route.scope === 'public') {
        expect(none.status, `${route.method} ${route.path} without a key`).not.toBe(401);
        continue;
      }
      expect(none.status, `${route.method} ${route.path} without a key`).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="aidb"');
      expect(none.body.code).toBe('unauthorized');
      for (const held of ['read', 'write', 'admin'] as const) {
        const response = await service.request(route.method, path, body, bearer(keyFor[held]));
        const allowed = rank[held] >= rank[route.scope];
        expect(
          [401, 403].includes(response.status),
          `${route.method} ${route.path} with a ${held} key: ${String(response.status)}`,
        ).toBe(!allowed);
        if (!allowed) expect(response.body.code).toBe('forbidden');
      }
    }
  });

  it('the OpenAPI document states the same scope for every route', async () => {
    const { body } = await service.request('GET', '/openapi.json');
    for (const route of service.routes) {
      const operation = body.paths[openApiPath(route.path)][route.method.toLowerCase()];
      if (route.scope === 'public') expect(operation.security).toEqual([]);
      else expect(operation['x-aidb-scope'], route.path).toBe(route.scope);
    }
  });

  it('refuses an unknown key with invalid_token and counts every failure by reason', async () => {
    const wrong = await service.request('GET', '/v1/collections', undefined, bearer('aidb_nope'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe(
      'Bearer realm="aidb", error="invalid_token"',
    );
    expect(wrong.body).toMatchObject({ code: 'invalid_api_key', title: 'Invalid API key' });
    expect(wrong.body.detail).toMatch(/not valid/);
    const missing = await service.request('GET', '/v1/collections', undefined, {
      authorization: '',
    });
    expect(missing.body).toMatchObject({ code: 'unauthorized', title: 'An API key is required' });
    const scrape = parseExposition((await service.request('GET', '/metrics')).text);
    const failures = Object.fromEntries(
      (scrape.get('aidb_auth_failures_total')?.samples ?? []).map((s) => [
        s.labels.reason,
        s.value,
      ]),
    );
    expect(failures.missing_key).toBeGreaterThan(0);
    expect(failures.invalid_key).toBeGreaterThan(0);
    expect(failures.insufficient_scope).toBeGreaterThan(0);
  });

  it('sends security headers, no x-powered-by, and no CORS unless configured', async () => {
    const response = await service.request('GET', '/health/live', undefined, {
      origin: 'https://evil.example',
    });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('auth settings', () => {
  const from = (ip: string, headers: Record<string, string> = {}) => ({
    'x-forwarded-for': ip,
    ...headers,
  });
  const unauthenticated = async (service: TestService) => {
    const out: number[] = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      out.push((await service.request('GET', '/openapi.json', undefined, from(ip))).status);
    return out;
  };

  describe('open reads, CORS, a trusted proxy and a small failure budget', () => {
    let service: TestService;
    beforeAll(async () => {
      service = await startTestService({
        env: {
          AIDB_READS_REQUIRE_KEY: 'false',
          AIDB_CORS_ORIGINS: 'https://app.example',
          AIDB_TRUSTED_PROXIES: '127.0.0.1',
          AIDB_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3',
          AIDB_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '2',
        },
      });
    });
    afterAll(async () => {
      await service.stop();
    });

    it('open reads need no key, but /metrics and writes still do', async () => {
      const none = { authorization: '' };
      expect((await service.request('GET', '/v1/collections', undefined, none)).status).toBe(200);
      expect((await service.request('GET', '/metrics', undefined, none)).status).toBe(401);
      expect((await service.request('PUT', '/v1/collections/x', {}, none)).status).toBe(401);
    });

    it('CORS allows the configured origins only', async () => {
      const cors = await service.request('GET', '/v1/collections', undefined, {
        origin: 'https://app.example',
      });
      expect(cors.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const other = await service.request('GET', '/v1/collections', undefined, {
        origin: 'https://evil.example',
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('takes the client address from X-Forwarded-For of a trusted proxy', async () => {
      expect(await unauthenticated(service)).toEqual([200, 200, 200]);
    });

    it('locks out an address after too many failed authentications, and only that one', async () => {
      const guesser = '198.51.100.7';
      for (let i = 0; i < 3; i += 1) {
        const guess = from(guesser, bearer(`aidb_guess${String(i)}`));
        expect((await service.request('GET', '/metrics', undefined, guess)).status).toBe(401);
      }
      const locked = await service.request(
        'GET',
        '/metrics',
        undefined,
        from(guesser, { authorization: '' }),
      );
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('rate_limited');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(locked.headers.get('ratelimit-policy')).toBe('"auth_failures";q=3;w=60');
      expect(
        (await service.request('GET', '/metrics', undefined, from('198.51.100.8'))).status,
      ).toBe(200);
      expect((await service.request('GET', '/health/live', undefined, from(guesser))).status).toBe(
        200,
      );
    });

    it('counts neither missing keys nor refused scopes toward the lockout', async () => {
      const client = '198.51.100.20';
      for (let i = 0; i < 10; i += 1) {
        const write = from(client, bearer(testKeys.read));
        expect((await service.request('PUT', '/v1/collections/x', {}, write)).status).toBe(403);
        const none = from(client, { authorization: '' });
        expect((await service.request('GET', '/metrics', undefined, none)).status).toBe(401);
      }
      const admin = from(client, bearer(testKeys.admin));
      expect((await service.request('GET', '/metrics', undefined, admin)).status).toBe(200);
    });

    it('never locks out a valid key, even from an address that is locked out', async () => {
      const shared = '198.51.100.30';
      for (let i = 0; i < 3; i += 1) {
        const guess = from(shared, bearer(`aidb_guess${String(i)}`));
        expect((await service.request('GET', '/metrics', undefined, guess)).status).toBe(401);
      }
      const guess = from(shared, bearer('aidb_guess-again'));
      expect((await service.request('GET', '/metrics', undefined, guess)).status).toBe(429);
      const admin = from(shared, bearer(testKeys.admin));
      expect((await service.request('GET', '/metrics', undefined, admin)).status).toBe(200);
      expect((await service.request('PUT', '/v1/collections/y', {}, admin)).status).toBe(201);
    });
  });

  it('with no keys configured, makes a local admin key (0600) that works and survives restarts; X-Forwarded-For is ignored without a trusted proxy', async () => {
    const env = { AIDB_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '2' };
    const first = await startTestService({ keys: 'local', env });
    const { dataDir } = first;
    try {
      const key = readLocalKey(dataDir) ?? '';
      expect(key).toMatch(/^aidb_/);
      expect((await stat(localKeyPath(dataDir))).mode & 0o777).toBe(0o600);
      expect((await first.request('PUT', '/v1/collections/x', {}, bearer(key))).status).toBe(201);
      expect((await first.request('GET', '/v1/collections')).status).toBe(401);
      expect(await unauthenticated(first)).toEqual([200, 200, 429]);
      await first.close();
      const second = await startTestService({ dataDir, keys: 'local', env });
      try {
        const again = await second.request('GET', '/v1/collections/x', undefined, bearer(key));
        expect(again.status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await first.stop().catch(() => undefined);
    }
  });
});
