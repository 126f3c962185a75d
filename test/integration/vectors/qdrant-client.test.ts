import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../service/dependencies/dependency-error.ts';
import { createQdrantClient, type QdrantCall } from '../../../service/vectors/qdrant-client.ts';
import { startQdrantStub, type QdrantStub } from '../../support/qdrant-stub.ts';

// Qdrant cannot run here: the official client runs against the contract stub in test/support.

async function refusedUrl(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`;
}

async function failureOf(promise: Promise<unknown>): Promise<[string, string] | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (!(error instanceof DependencyError)) throw error;
    return [error.kind, error.message];
  }
}

describe("Qdrant's official client as the service sets it up (contract stub)", () => {
  let stub: QdrantStub;
  let prefixed: QdrantStub;
  beforeAll(async () => {
    [stub, prefixed] = await Promise.all([
      startQdrantStub({ apiKey: 'qdrant-key' }),
      startQdrantStub({ prefix: '/qdrant' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stub.close(), prefixed.close()]);
  });
  const client = (url = stub.url, timeoutMs = 2_000) =>
    createQdrantClient({ url, apiKey: 'qdrant-key', timeoutMs });
  const list = (url?: string, timeoutMs?: number) =>
    client(url, timeoutMs).call('collection', (api, init) => api.getCollections({}, init));

  it('keeps the path of a base URL behind a reverse proxy', async () => {
    const behindProxy = createQdrantClient({ url: `${prefixed.url}/qdrant`, timeoutMs: 2_000 });
    await expect(
      behindProxy.call('collection', (api, init) => api.getCollections({}, init)),
    ).resolves.toEqual({ collections: [] });
  });

  it('sends the API key and opens the envelope', async () => {
    stub.state.collections.set('a', {
      vectors: { size: 4, distance: 'Cosine' },
      points: new Map(),
    });
    await expect(list()).resolves.toEqual({ collections: [{ name: 'a' }] });
    const wrongKey = createQdrantClient({ url: stub.url, apiKey: 'other', timeoutMs: 2_000 });
    await expect(
      failureOf(wrongKey.call('collection', (api, init) => api.getCollections({}, init))),
    ).resolves.toEqual([
      'rejected',
      'qdrant: request refused with 401: Unauthorized: Must provide an API key or an Authorization bearer token',
    ]);
  });

  it('finds a missing collection as undefined, where call refuses it', async () => {
    const get: QdrantCall<unknown> = (api, init) =>
      api.getCollection({ collection_name: 'absent' }, init);
    await expect(client().find('collection', get)).resolves.toBeUndefined();
    await expect(failureOf(client().call('collection', get))).resolves.toEqual([
      'rejected',
      "qdrant: request refused with 404: Not found: Collection `absent` doesn't exist!",
    ]);
  });

  it('tells a failing server, a slow one and an unreachable one apart', async () => {
    stub.faults.unavailable = true;
    const unavailable = await failureOf(list());
    stub.faults.unavailable = false;
    stub.faults.latencyMs = 1_000;
    const slow = await failureOf(list(stub.url, 200));
    stub.faults.latencyMs = 0;
    const unreachable = await failureOf(list(await refusedUrl()));
    expect([unavailable, slow, unreachable]).toEqual([
      ['server_error', 'qdrant: server answered 503'],
      ['timeout', 'qdrant: no answer within 200 ms'],
      ['connection', 'qdrant: cannot reach the server'],
    ]);
  });
});
