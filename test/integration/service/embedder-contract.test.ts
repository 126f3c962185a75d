import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../service/dependencies/dependency-error.ts';
import type { Embedder } from '../../../service/embeddings/embedder.ts';
import { putCollection } from '../../../service/knowledge/collections.ts';
import type { KnowledgeDeps } from '../../../service/knowledge/deps.ts';
import { ingestDocuments } from '../../../service/knowledge/ingest.ts';
import { searchCollection } from '../../../service/knowledge/search.ts';
import { startTestService, type TestService } from '../../support/service.ts';

/** An embedder of the service's dimension that breaks its contract the way `vectors` says. */
function brokenEmbedder(
  dimension: number,
  vectors: (texts: readonly string[]) => Float32Array[],
): Embedder {
  return {
    backend: 'http',
    model: 'broken',
    dimension,
    embed: (texts) => Promise.resolve(vectors(texts)),
  };
}

const invalidResponse = (error: unknown): boolean =>
  error instanceof DependencyError &&
  error.dependency === 'embeddings' &&
  error.kind === 'invalid_response';

describe('an embedder that breaks its contract', () => {
  let service: TestService;
  let dimension: number;
  const deps = (embedder: Embedder): KnowledgeDeps => ({ ...service.deps, embedder });

  beforeAll(async () => {
    service = await startTestService();
    dimension = service.deps.embedder.dimension;
    await putCollection(service.deps, 'contract', {});
  });
  afterAll(async () => {
    await service.stop();
  });

  it.each([
    ['no vector at all', () => []],
    [
      'one vector too few',
      (texts: readonly string[]) => texts.slice(1).map(() => new Float32Array(dimension)),
    ],
    [
      'vectors of another dimension',
      (texts: readonly string[]) => texts.map(() => new Float32Array(dimension - 1)),
    ],
  ])(
    'returning %s fails the search instead of searching with a made-up vector',
    async (_, vectors) => {
      const search = searchCollection(deps(brokenEmbedder(dimension, vectors)), 'contract', {
        query: 'anything',
        limit: 10,
      });
      await expect(search.catch((error: unknown) => invalidResponse(error))).resolves.toBe(true);
    },
  );

  it('returning one vector too few fails the ingest and stores nothing', async () => {
    const embedder = brokenEmbedder(dimension, (texts) =>
      texts.slice(1).map(() => new Float32Array(dimension)),
    );
    const ingest = ingestDocuments(deps(embedder), 'contract', [
      { id: 'a', content: 'first document' },
      { id: 'b', content: 'second document' },
    ]);
    await expect(ingest.catch((error: unknown) => invalidResponse(error))).resolves.toBe(true);
    const listed = await service.request('GET', '/v1/collections/contract/documents');
    expect(listed.body.documents).toEqual([]);
  });
});
