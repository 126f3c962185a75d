import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generators } from '../../../bin/commands/generators.ts';
import { loadConfig } from '../../../config/load.ts';
import { openApiPath } from '../../../service/http/openapi.ts';
import { describedRoutes } from '../../../service/routes/described.ts';
import { limitsOf, typeOf } from '../../../scripts/api-reference.ts';
import { renderApiDocs, renderOperationsGuide } from '../../../scripts/docs-files.ts';

const read = (path: string): string =>
  readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const config = () => loadConfig({ env: {}, readFile: () => '' }).config;

describe('docs/', () => {
  it('the API reference matches the OpenAPI document (run `npm run docs` after changing routes)', async () => {
    expect(await renderApiDocs()).toBe(read('docs/api.md'));
  });

  it('the operations guide’s configuration reference matches the schema (run `npm run docs`)', async () => {
    const guide = read('docs/operations.md');
    expect(await renderOperationsGuide(guide)).toBe(guide);
    expect(guide).toMatch(/\| `database\.password` \(secret\) +\|/);
  });

  it('the API reference has a section for every route the service serves, and no other', () => {
    const sections = [...read('docs/api.md').matchAll(/^### (GET|POST|PUT|DELETE) (\S+)$/gm)]
      .map((m) => `${m[1] as string} ${m[2] as string}`)
      .sort();
    const routes = describedRoutes(config())
      .map((r) => `${r.method} ${openApiPath(r.path)}`)
      .sort();
    expect(sections).toEqual(routes);
  });

  it('the operations guide names every Kubernetes manifest `aidb generate` writes', () => {
    const guide = read('docs/operations.md');
    const manifests = generators
      .flatMap((generate) => generate(config()))
      .map((f) => f.path)
      .filter((p) => p.startsWith('k8s/') && p !== 'k8s/kustomization.yaml');
    expect(manifests.length).toBeGreaterThan(0);
    for (const path of manifests) expect(guide).toContain(`\`${path.slice('k8s/'.length)}\``);
  });

  it('types and limits read as a person would write them', () => {
    expect(typeOf({ type: 'array', items: { type: 'integer' } })).toBe('integer[]');
    expect(typeOf({ type: ['string', 'null'] })).toBe('string | null');
    expect(typeOf({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toBe('string | number');
    expect(typeOf({ enum: ['a', 'b'] })).toBe('"a" | "b"');
    expect(
      limitsOf({
        minLength: 1,
        maxLength: 8,
        default: 'x',
        pattern: '^a$',
        maximum: 9007199254740991,
      }),
    ).toBe('min length 1, max length 8, default "x", pattern `^a$`');
  });
});
