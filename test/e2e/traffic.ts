/**
 * Requests that walk every code path the dashboards and rules watch: success, client errors of
 * each rejection reason, missing and wrong keys, bursts past the rate limits, maintenance.
 * Every request carries the admin key unless it tests the lack of one (auth contract, issue 5).
 */
export interface Client {
  request(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string },
  ): Promise<number>;
}

export function createClient(baseUrl: string, adminKey: string): Client {
  return {
    async request(method, path, options = {}) {
      const key = options.key ?? adminKey;
      const headers: Record<string, string> = {
        ...(key === '' ? {} : { authorization: `Bearer ${key}` }),
        ...(options.body === undefined && options.rawBody === undefined
          ? {}
          : { 'content-type': 'application/json' }),
        ...options.headers,
      };
      const body =
        options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return response.status;
    },
  };
}

const documents = [
  { id: 'tea', content: 'Green tea is steeped at 80 degrees for two minutes.' },
  { id: 'bikes', content: 'Bicycle chains need oil every few hundred kilometres.' },
  { id: 'bread', content: 'Sourdough bread rises overnight in a cool kitchen.' },
];

/** Healthy traffic: collections, ingest, repeated searches (cache hits), reads and deletes. */
export async function driveSuccess(client: Client): Promise<number[]> {
  const statuses: number[] = [];
  const r = async (...args: Parameters<Client['request']>) =>
    statuses.push(await client.request(...args));
  await r('PUT', '/v1/collections/notes', { body: { description: 'notes' } });
  await r('PUT', '/v1/collections/expiring', { body: { description: 'gc', ttl_seconds: 1 } });
  await r('POST', '/v1/collections/notes/documents', { body: { documents } });
  await r('POST', '/v1/collections/expiring/documents', { body: { documents } });
  for (const query of [
    'how long to steep green tea',
    'bicycle chain oil',
    'how long to steep green tea',
  ]) {
    await r('POST', '/v1/collections/notes/search', { body: { query } });
  }
  await r('GET', '/v1/collections');
  await r('GET', '/v1/collections/notes/documents');
  await r('GET', '/v1/collections/notes/documents/tea');
  await r('DELETE', '/v1/collections/notes/documents/bread');
  await r('POST', '/v1/embed', { body: { texts: ['a question'] } });
  return statuses;
}

/**
 * A server may answer 413 and close the connection while an oversized body is still being
 * sent; the client then sees EPIPE or a reset instead of the status. The service has counted
 * the rejection either way, which is what the dashboards and rules read.
 */
function uploadCutOff(error: unknown): number {
  const code = ((error as { cause?: { code?: unknown } }).cause ?? {}).code;
  if (code === 'EPIPE' || code === 'ECONNRESET') return 0;
  throw error;
}

/** Client errors, one per rejection reason the service can report, and a 404. */
export async function driveClientErrors(client: Client): Promise<number[]> {
  return Promise.all([
    client.request('GET', '/v1/collections/notes/documents/missing'),
    client.request('POST', '/v1/collections/notes/search', { body: { query: 42 } }),
    client.request('POST', '/v1/collections/notes/search', { rawBody: '{"query":' }),
    client.request('GET', '/v1/collections/notes/documents?limit=-1'),
    client.request('GET', '/v1/collections/NOT%20VALID!/documents'),
    client.request('POST', '/v1/collections/notes/search', {
      rawBody: 'query=tea',
      headers: { 'content-type': 'text/plain' },
    }),
    client
      .request('POST', '/v1/collections/notes/search', {
        body: { query: 'x'.repeat(2 * 1024 * 1024) },
      })
      .catch(uploadCutOff),
    client.request('POST', '/v1/collections/notes/search', { body: { vector: [0.1, 0.2] } }),
  ]);
}

/** Requests without a key, with an unknown key, and with a key of too small a scope. */
export async function driveUnauthorized(client: Client): Promise<number[]> {
  return Promise.all([
    client.request('PUT', '/v1/collections/nokey', { body: {}, key: '' }),
    client.request('GET', '/metrics', { key: '' }),
    client.request('POST', '/v1/collections/notes/search', {
      body: { query: 'tea' },
      key: 'not-a-key',
    }),
  ]);
}

/** A burst of searches well past any per-minute limit configured for the test. */
export async function driveRateLimited(client: Client, requests: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    statuses.push(
      await client.request('POST', '/v1/collections/notes/search', { body: { query: 'tea' } }),
    );
  }
  return statuses;
}

/** Garbage collection, dry run and for real (the `expiring` collection's documents expire). */
export async function driveMaintenance(client: Client): Promise<number[]> {
  return [
    await client.request('POST', '/v1/admin/gc', { body: { dry_run: true } }),
    await client.request('POST', '/v1/admin/gc', { body: { dry_run: false } }),
  ];
}
