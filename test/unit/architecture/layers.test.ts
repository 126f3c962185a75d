import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packagesLoadedAtStart } from '../../support/import-graph.ts';
import { layerViolations } from '../../support/layers.ts';

// test/ itself sits above every floor and may import anything (test/support/layers.ts).
const repository = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/layers/', import.meta.url));

describe('layer order (ARCHITECTURE.md: catalog ← lib ← config ← components ← deploy ← bin)', () => {
  it('finds no import against the layer order in the source tree', () => {
    expect(layerViolations(repository)).toEqual([]);
  });

  it('names an upward import, a sideways one, a type-only one and one of the domain reaching for HTTP, and allows the drawn exceptions', () => {
    const drawn =
      'dashboards → alerts/, agent → backups/, client → service/api/, scripts → bin/commands/, bench → test/support/';
    expect(layerViolations(fixture)).toEqual([
      'catalog/dependencies.ts:2 imports config/profiles.ts: catalog/ (floor 0) may not import config/ (floor 2, above it)',
      `client/client.ts:3 imports service/restore.ts: components import each other only where drawn (${drawn}); what client/ and service/ share moves down to lib/ or catalog/`,
      'service/knowledge/collections.ts:2 imports service/http/problems.ts: service/knowledge/ raises its own errors and knows no HTTP',
      `service/restore.ts:2 imports backups/engine.ts: components import each other only where drawn (${drawn}); what service/ and backups/ share moves down to lib/ or catalog/`,
    ]);
  });

  it.each([
    ['bin/aidb.ts', '@grafana/grafana-foundation-sdk'],
    ['bin/aidb.ts', '@qdrant/js-client-rest'],
    ['agent/agent.ts', '@qdrant/js-client-rest'],
    ['backups/from-config.ts', '@qdrant/js-client-rest'],
    ['service/server.ts', '@qdrant/js-client-rest'],
  ])('%s starts without loading %s (it is imported when needed)', (entry, name) => {
    expect([...packagesLoadedAtStart(repository, entry)]).not.toContain(name);
  });
});
