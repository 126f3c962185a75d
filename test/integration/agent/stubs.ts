import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, port };
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export type HealthMode = 'ok' | 'unavailable' | 'hang';

export interface GcCall {
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

/**
 * A stub of the aidb service for the agent's default targets (the service is built in another
 * issue): `/health/live|ready|startup` answer 200, 503 or never, as set per path; readiness
 * can instead follow a real check (`readiness`), and `/v1/admin/gc` records each call.
 */
export interface ServiceStub extends StubServer {
  readonly gcCalls: readonly GcCall[];
  /** Headers of the last request to a path. */
  lastHeaders(path: string): IncomingMessage['headers'] | undefined;
  /** Connections to a hanging path that the client has since closed. */
  readonly abandoned: number;
  set(path: string, mode: HealthMode): void;
  /** Makes `/health/ready` answer 200 when the check resolves true, 503 otherwise. */
  readiness(check: () => Promise<boolean>): void;
  /** Makes `/v1/admin/gc` wait this long before answering, with this status. */
  gc(answer: { status: number; delayMs?: number }): void;
}

export async function startServiceStub(): Promise<ServiceStub> {
  const modes = new Map<string, HealthMode>();
  const gcCalls: GcCall[] = [];
  const headers = new Map<string, IncomingMessage['headers']>();
  let abandoned = 0;
  let readyCheck: (() => Promise<boolean>) | undefined;
  let gcAnswer = { status: 200, delayMs: 0 };
  const { server, url, port } = await listen((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', url).pathname;
      if (path === '/v1/admin/gc' && request.method === 'POST') {
        gcCalls.push({
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          body: await body(request),
        });
        await new Promise((resolve) => setTimeout(resolve, gcAnswer.delayMs));
        response.writeHead(gcAnswer.status, { 'content-type': 'application/json' });
        response.end('{"deleted_documents":0}');
        return;
      }
      headers.set(path, request.headers);
      let mode = modes.get(path) ?? 'ok';
      if (path === '/health/ready' && readyCheck !== undefined) {
        mode = (await readyCheck()) ? 'ok' : 'unavailable';
      }
      if (mode === 'hang') {
        request.socket.once('close', () => abandoned++);
        return;
      }
      response.writeHead(mode === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: mode === 'ok' ? 'healthy' : 'unhealthy' }));
    })();
  });
  return {
    url,
    port,
    gcCalls,
    lastHeaders: (path) => headers.get(path),
    get abandoned() {
      return abandoned;
    },
    set: (path, mode) => modes.set(path, mode),
    readiness: (check) => {
      readyCheck = check;
    },
    gc: (answer) => {
      gcAnswer = { delayMs: 0, ...answer };
    },
    close: closer(server),
  };
}

/**
 * A stub of Qdrant's REST API, as far as the agent's probe reads it (Qdrant cannot run here):
 * `GET /readyz` and `GET /collections`, shaped as in Qdrant's published OpenAPI
 * (`{ result: { collections: [{ name }] }, status: "ok", time }`), behind an `api-key` header.
 */
export async function startQdrantApiStub(
  collections: readonly string[],
  apiKey: string,
): Promise<StubServer> {
  const { server, url, port } = await listen((request, response) => {
    if (request.headers['api-key'] !== apiKey) {
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end('Invalid api-key');
      return;
    }
    const path = new URL(request.url ?? '/', url).pathname;
    if (path === '/readyz') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('all shards are ready');
    } else if (path === '/collections') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          result: { collections: collections.map((name) => ({ name })) },
          status: 'ok',
          time: 0.00001,
        }),
      );
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  return { url, port, close: closer(server) };
}
