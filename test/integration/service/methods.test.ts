import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../support/raw-request.ts';
import { bearer, startTestService, testKeys, type TestService } from '../../support/service.ts';

// Every method a client can send over HTTP/1.1 that Node's server hands to the application
// (CONNECT is a tunnel request Node handles itself).
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'] as const;

const concrete = (template: string) =>
  template.replace(/:(\w+)/g, (_m, name: string) => (name === 'name' ? 'kb' : 'doc-1'));

describe('methods on known paths, generated from the route table', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.stop();
  });

  /** Path template → the methods the route table serves there (HEAD comes with GET). */
  function servedByPath(): Map<string, Set<string>> {
    const byPath = new Map<string, Set<string>>();
    for (const route of service.routes) {
      const served = byPath.get(route.path) ?? new Set<string>();
      served.add(route.method);
      if (route.method === 'GET') served.add('HEAD');
      byPath.set(route.path, served);
    }
    return byPath;
  }

  it('answers every unserved method with 405, an Allow header and a problem', async () => {
    let checked = 0;
    for (const [template, served] of servedByPath()) {
      const allow = [...served].sort().join(', ');
      for (const method of methods) {
        if (served.has(method)) continue;
        const response = await rawRequest(
          `${service.url}${concrete(template)}`,
          method,
          bearer(testKeys.admin),
        );
        const where = `${method} ${template}`;
        expect(response.status, where).toBe(405);
        expect(response.headers.allow, where).toBe(allow);
        if (method !== 'HEAD') {
          expect(response.headers['content-type'], where).toContain('application/problem+json');
          expect(JSON.parse(response.text).code, where).toBe('method_not_allowed');
        }
        checked += 1;
      }
    }
    // 17 paths × 8 methods, less the 24 served (HEAD with every GET).
    expect(checked).toBeGreaterThan(90);
  });

  it('still answers 404 for a path no route has, whatever the method', async () => {
    for (const method of methods) {
      const response = await rawRequest(`${service.url}/v2/nothing`, method);
      expect(response.status, method).toBe(404);
      expect(response.headers.allow).toBeUndefined();
    }
  });

  it('refuses TRACE on /health/live with 405 and Allow: GET, HEAD', async () => {
    const response = await rawRequest(`${service.url}/health/live`, 'TRACE');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });
});
