import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prometheusContentType } from '../lib/telemetry/prometheus.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobOutcome } from './scheduler.ts';
import type { AgentStatus } from './status.ts';

export interface AgentServerDeps {
  readonly host: string;
  readonly port: number;
  readonly renderMetrics: () => Promise<string>;
  readonly status: () => AgentStatus;
  /** False while starting and once shutdown has begun. */
  readonly isReady: () => boolean;
  /** Runs a job now; undefined when no job of that name is configured. */
  readonly runJob: (name: string) => Promise<JobOutcome> | undefined;
  readonly logger: Logger;
}

export interface AgentServer {
  /** Listens and returns the base URL (the port is the kernel's when 0 was asked). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json',
): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}

function problem(response: ServerResponse, status: number, code: string, title: string): void {
  json(response, status, { type: 'about:blank', title, status, code }, 'application/problem+json');
}

/**
 * The agent's own endpoint: `/metrics`, `/health/live`, `/health/ready`, `/status`, and
 * `POST /jobs/{name}/run` for `aidb agent run-job`.
 */
export function createAgentServer(deps: AgentServerDeps): AgentServer {
  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://agent').pathname;
    const job = /^\/jobs\/([a-z_]+)\/run$/.exec(path)?.[1];
    if (request.method === 'POST' && job !== undefined) {
      // A JSON content type cannot be sent cross-origin without a CORS preflight, which this
      // server never grants: a web page the operator visits cannot trigger jobs.
      if (request.headers['content-type'] !== 'application/json') {
        problem(response, 415, 'unsupported_media_type', 'send Content-Type: application/json');
        return;
      }
      const run = deps.runJob(job);
      if (run === undefined) {
        problem(response, 404, 'unknown_job', `no job named ${job} is configured`);
        return;
      }
      json(response, 200, await run);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      problem(response, 405, 'method_not_allowed', `${String(request.method)} is not allowed`);
      return;
    }
    switch (path) {
      case '/metrics':
        response.writeHead(200, { 'content-type': prometheusContentType });
        response.end(await deps.renderMetrics());
        return;
      case '/health/live':
        json(response, 200, { status: 'ok' });
        return;
      case '/health/ready':
        if (deps.isReady()) json(response, 200, { status: 'ok' });
        else json(response, 503, { status: 'unavailable' });
        return;
      case '/status':
        json(response, 200, deps.status());
        return;
      default:
        problem(response, 404, 'not_found', `no route ${path}`);
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      deps.logger.error({ err: error, url: request.url }, 'agent: request failed');
      if (!response.headersSent) problem(response, 500, 'internal', 'internal error');
      else response.destroy();
    });
  });

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(deps.port, deps.host, () => {
          server.off('error', reject);
          const { address, port } = server.address() as AddressInfo;
          const host = address.includes(':') ? `[${address}]` : address;
          resolve(`http://${host}:${port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
