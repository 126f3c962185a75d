import { trace } from '@opentelemetry/api';
import Fastify from 'fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsOf } from '../../../catalog/metrics.ts';
import { createSeriesMeter, type SeriesMeter } from '../../../lib/telemetry/series-meter.ts';
import { installHttpTelemetry } from '../../../service/telemetry/http-telemetry.ts';

interface Slow {
  readonly url: string;
  readonly meter: SeriesMeter;
  /** Resolves when the handler has the request. */
  readonly started: Promise<void>;
  /** Lets the handler answer. */
  release(): void;
  close(): Promise<void>;
}

/** A real server (sockets, not inject) whose one route answers only when released. */
async function slowServer(): Promise<Slow> {
  const meter = createSeriesMeter(metricsOf('service'));
  const app = Fastify();
  const http = installHttpTelemetry(app, { meter, tracer: trace.getTracer('aidb-test') });
  let markStarted = (): void => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  app.get('/slow', (request) =>
    http.inRequestContext(request, async () => {
      markStarted();
      await released;
      return { ok: true };
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, meter, started, release, close: () => app.close() };
}

async function ended(meter: SeriesMeter): Promise<{ statuses: string[]; active: number[] }> {
  const { families } = await meter.collect();
  const points = (name: string) => families.find((f) => f.def.name === name)?.points ?? [];
  return {
    statuses: points('http_server_request_duration_seconds').flatMap((point) =>
      'count' in point
        ? Array<string>(point.count).fill(String(point.labels.http_response_status_code))
        : [],
    ),
    active: points('http_server_active_requests').map((point) =>
      'value' in point ? point.value : NaN,
    ),
  };
}

let server: Slow | undefined;
afterEach(async () => {
  server?.release();
  await server?.close();
});

describe('the end of a request, from its response closing', () => {
  it('counts an answered request once, with its status, and leaves none active', async () => {
    server = await slowServer();
    server.release();
    const response = await fetch(`${server.url}/slow`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await tick();
    expect(await ended(server.meter)).toEqual({ statuses: ['200'], active: [0] });
  });

  it('counts a client that hung up as one 499, even once the handler answers after it', async () => {
    server = await slowServer();
    const hungUp = new Promise<void>((resolve) => {
      const req = httpRequest(`${server?.url ?? ''}/slow`);
      req.on('error', () => {
        resolve();
      });
      req.on('close', () => {
        resolve();
      });
      req.end();
      void server?.started.then(() => req.destroy());
    });
    await hungUp;
    const deadline = Date.now() + 5_000;
    while ((await ended(server.meter)).statuses.length === 0 && Date.now() < deadline) await tick();
    expect(await ended(server.meter)).toEqual({ statuses: ['499'], active: [0] });
    server.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await ended(server.meter)).toEqual({ statuses: ['499'], active: [0] });
  });
});
