import { spawn, type ChildProcess } from 'node:child_process';
import { bearer, testKeys } from '../../support/service.ts';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../support/cli.ts';
import { startEmbeddingsStub, type EmbeddingsStub } from '../../support/embeddings-stub.ts';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../../support/otlp-receiver.ts';
import { freePort } from '../../support/ports.ts';
import { waitFor } from '../../support/wait.ts';

const spanKind = { server: 2, client: 3 } as const;
const statusError = 2;

describe('traces of the service, exported over OTLP/HTTP', () => {
  let receiver: OtlpReceiver;
  let embeddings: EmbeddingsStub;
  let child: ChildProcess;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    embeddings = await startEmbeddingsStub(384);
    dataDir = await mkdtemp(join(tmpdir(), 'aidb-traces-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // A real `aidb serve`, so the SDK is set up the way production sets it up.
    child = spawn(process.execPath, [cliPath, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        AIDB_DATA_DIR: dataDir,
        AIDB_PORT: String(port),
        AIDB_LOG_LEVEL: 'silent',
        AIDB_API_KEYS: `test:admin:plain:${testKeys.admin}`,
        EMBEDDINGS_URL: embeddings.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        // Every new trace sampled; a caller's decision followed, as the default sampler does.
        OTEL_TRACES_SAMPLER: 'parentbased_always_on',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_SERVICE_NAME: 'aidb-under-test',
      },
      stdio: 'inherit',
    });
    await waitFor('the service', async () => (await fetch(`${url}/health/ready`)).ok, {
      timeoutMs: 60_000,
    });
    const put = await fetch(`${url}/v1/collections/kb`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(testKeys.admin) },
      body: '{}',
    });
    expect(put.status).toBe(201);
  });
  afterAll(async () => {
    child.kill('SIGTERM');
    await once(child, 'exit');
    await Promise.all([
      receiver.close(),
      embeddings.close(),
      rm(dataDir, { recursive: true, force: true }),
    ]);
  });

  let queries = 0;
  // Each search asks something new: a cached answer would skip the embeddings call.
  async function search(): Promise<{ status: number; traceId: string }> {
    queries += 1;
    const response = await fetch(`${url}/v1/collections/kb/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(testKeys.admin) },
      body: JSON.stringify({ query: `traced query ${queries}` }),
    });
    await response.arrayBuffer();
    return { status: response.status, traceId: response.headers.get('x-trace-id') ?? '' };
  }

  async function traceOf(traceId: string, minSpans: number): Promise<ReceivedSpan[]> {
    await waitFor(
      'the trace to arrive',
      () => receiver.spans.filter((s) => s.traceId === traceId).length >= minSpans,
    );
    return receiver.spans.filter((s) => s.traceId === traceId);
  }

  it('nests PostgreSQL and embeddings client spans under the request span', async () => {
    const { status, traceId } = await search();
    expect(status).toBe(200);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // The request, the collection lookup in PostgreSQL and the embeddings call at least; the
    // embedded index searches in process, without a span of its own.
    const spans = await traceOf(traceId, 3);
    const server = spans.find((s) => s.kind === spanKind.server);
    expect(server).toMatchObject({
      name: 'POST /v1/collections/:name/search',
      attributes: {
        'http.route': '/v1/collections/:name/search',
        'http.response.status_code': 200,
      },
    });
    const children = spans.filter((s) => s.parentSpanId === server?.spanId);
    expect(children.every((s) => s.kind === spanKind.client)).toBe(true);
    const names = new Set(children.map((s) => s.name));
    expect(names).toContain('postgres query');
    expect(names).toContain('embeddings embed');
    expect(children.find((s) => s.name === 'embeddings embed')?.status.code).not.toBe(statusError);
  });

  it('carries the trace to the embeddings server in traceparent', async () => {
    const { traceId } = await search();
    const request = embeddings.requests.at(-1);
    expect(request?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('marks the failing call and the request as errors', async () => {
    embeddings.mode = 'error500';
    const { status, traceId } = await search();
    embeddings.mode = 'ok';
    expect(status).toBe(503);
    const spans = await traceOf(traceId, 2);
    expect(spans.find((s) => s.kind === spanKind.server)?.status.code).toBe(statusError);
    expect(spans.find((s) => s.name === 'embeddings embed')).toMatchObject({
      status: { code: statusError },
      attributes: { 'error.type': 'server_error' },
    });
  });

  it('continues a trace the caller started', async () => {
    const parent = '0af7651916cd43dd8448eb211c80319c';
    const response = await fetch(`${url}/v1/collections`, {
      headers: { ...bearer(testKeys.admin), traceparent: `00-${parent}-b7ad6b7169203331-01` },
    });
    expect(response.headers.get('x-trace-id')).toBe(parent);
    const spans = await traceOf(parent, 1);
    expect(spans.find((s) => s.kind === spanKind.server)?.parentSpanId).toBe('b7ad6b7169203331');
  });

  it('makes no span of a trace the caller did not sample, and passes the decision on', async () => {
    const unsampled = '1af7651916cd43dd8448eb211c80319d';
    queries += 1;
    const response = await fetch(`${url}/v1/collections/kb/search`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...bearer(testKeys.admin),
        traceparent: `00-${unsampled}-b7ad6b7169203331-00`,
      },
      body: JSON.stringify({ query: `untraced query ${queries}` }),
    });
    expect(response.status).toBe(200);
    // The embeddings call ran inside the caller's trace, marked not sampled.
    expect(embeddings.requests.at(-1)?.traceparent).toMatch(
      new RegExp(`^00-${unsampled}-[0-9a-f]{16}-00$`),
    );
    // Spans leave in the order they end: once a later trace has arrived, this one would have.
    const later = await search();
    await traceOf(later.traceId, 2);
    expect(receiver.spans.filter((s) => s.traceId === unsampled)).toEqual([]);
  });

  it('never traces /metrics', async () => {
    const response = await fetch(`${url}/metrics`, { headers: bearer(testKeys.admin) });
    expect(response.headers.get('x-trace-id')).toBeNull();
  });
});
