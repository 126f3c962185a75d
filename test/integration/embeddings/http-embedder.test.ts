import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../service/dependencies/dependency-error.ts';
import { createHttpEmbedder } from '../../../service/embeddings/http.ts';
import { startEmbeddingsStub, type EmbeddingsStub } from '../../support/embeddings-stub.ts';
import { startTestService, type TestService } from '../../support/service.ts';

describe('the HTTP embedder against an OpenAI-compatible stub', () => {
  let stub: EmbeddingsStub;
  beforeAll(async () => {
    stub = await startEmbeddingsStub(64);
  });
  afterEach(() => {
    stub.mode = 'ok';
    stub.requests.length = 0;
  });
  afterAll(async () => {
    await stub.close();
  });

  const embedder = () =>
    createHttpEmbedder({
      url: stub.url,
      apiKey: 'k-123',
      model: 'nomic-embed',
      dimension: 64,
      timeoutMs: 300,
      batchSize: 2,
    });

  it('batches inputs, sends the model and the key, and keeps input order', async () => {
    const vectors = await embedder().embed(['a', 'b', 'c']);
    expect(vectors).toHaveLength(3);
    expect(stub.requests.map((r) => r.input)).toEqual([['a', 'b'], ['c']]);
    expect(stub.requests[0]).toMatchObject({ model: 'nomic-embed', authorization: 'Bearer k-123' });
    expect(Math.hypot(...(vectors[2] ?? []))).toBeCloseTo(1, 5);
  });

  const failures: readonly {
    mode: EmbeddingsStub['mode'];
    kind: DependencyError['kind'];
    message: string;
  }[] = [
    { mode: 'hang', kind: 'timeout', message: 'embeddings: no answer within 300 ms' },
    { mode: 'error500', kind: 'server_error', message: 'embeddings: server answered 500' },
    { mode: 'not_json', kind: 'invalid_response', message: 'embeddings: response is not JSON' },
    {
      mode: 'wrong_dimension',
      kind: 'invalid_response',
      message: 'embeddings: vector has 65 dimensions, expected 64',
    },
  ];

  it.each(failures)(
    'a server that answers $mode fails with $kind',
    async ({ mode, kind, message }) => {
      stub.mode = mode;
      const error = await embedder()
        .embed(['a'])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DependencyError);
      expect(error).toMatchObject({ kind, message });
    },
  );

  it('reports an unreachable server as a connection failure', async () => {
    const gone = createHttpEmbedder({
      url: 'http://127.0.0.1:9',
      model: 'm',
      dimension: 64,
      timeoutMs: 1000,
      batchSize: 8,
    });
    await expect(gone.embed(['a'])).rejects.toMatchObject({ kind: 'connection' });
  });
});

describe('the service with a remote embeddings backend', () => {
  let stub: EmbeddingsStub;
  let service: TestService;
  beforeAll(async () => {
    stub = await startEmbeddingsStub(64);
    service = await startTestService({
      env: {
        EMBEDDINGS_URL: stub.url,
        EMBEDDINGS_MODEL: 'nomic-embed',
        EMBEDDINGS_DIMENSION: '64',
        AIDB_EMBEDDINGS_TIMEOUT_MS: '300',
      },
    });
  });
  afterAll(async () => {
    await service.stop();
    await stub.close();
  });

  it('ingests and searches with vectors from the backend', async () => {
    expect((await service.request('PUT', '/v1/collections/remote', {})).body.dimension).toBe(64);
    await service.request('POST', '/v1/collections/remote/documents', {
      documents: [{ id: 'x', content: 'remote vectors' }],
    });
    const search = await service.request('POST', '/v1/collections/remote/search', {
      query: 'remote vectors',
    });
    expect(search.body.results[0].document_id).toBe('x');
    expect((await service.request('POST', '/v1/embed', { texts: ['q'] })).body.model).toBe(
      'nomic-embed',
    );
  });

  it('refuses to store vectors of the wrong dimension and stores nothing', async () => {
    stub.mode = 'wrong_dimension';
    const response = await service.request('POST', '/v1/collections/remote/documents', {
      documents: [{ id: 'y', content: 'bad' }],
    });
    stub.mode = 'ok';
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      code: 'dependency_unavailable',
      detail: 'embeddings: vector has 65 dimensions, expected 64',
    });
    expect((await service.request('GET', '/v1/collections/remote/documents/y')).status).toBe(404);
  });
});
