import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBearer, type ApiKey, type KeyScope } from '../lib/api-keys.ts';
import type { Logger } from '../lib/logger.ts';
import {
  isJsonContentType,
  problemContentType,
  problemDocument,
  requestIdOf,
} from '../lib/problem-json.ts';
import { prometheusContentType } from '../lib/telemetry/content-type.ts';
import { AgentProblem, agentProblems } from './problems.ts';
import type { JobOutcome } from './scheduler.ts';
import { statusDocument, type AgentStatus } from './status.ts';

export interface AgentServerDeps {
  readonly host: string;
  readonly port: number;
  readonly renderMetrics: () => Promise<string>;
  readonly status: () => AgentStatus;
  /** False while starting and once shutdown has begun. */
  readonly isReady: () => boolean;
  /** Runs a job now; undefined when no job of that name is configured. */
  readonly runJob: (name: string) => Promise<JobOutcome> | undefined;
  /** Keys the endpoint accepts (`agent.apiKeys`, or the agent's local admin key). */
  readonly keys: () => readonly ApiKey[];
  /** `auth.readsRequireKey`: whether `/status` needs a key; `/metrics` always does. */
  readonly readsRequireKey: boolean;
  readonly logger: Logger;
}

export interface AgentServer {
  /** Listens and returns the base URL (the port is the kernel's when 0 was asked). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** What a route asks of its caller, as the service's route table says it for its own routes. */
type Access = { readonly scope: 'public' } | { readonly scope: KeyScope; readonly always: boolean };

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}

/**
 * The agent's own endpoint: `/metrics`, `/health/live`, `/health/ready`, `/status`, and
 * `POST /jobs/{name}/run` for `aidb agent run-job`. Jobs need an admin key, `/metrics` a read
 * key, `/status` a read key unless reads are open; the health routes are public (kubelet).
 */
export function createAgentServer(deps: AgentServerDeps): AgentServer {
  function authorize(request: IncomingMessage, access: Access): void {
    if (access.scope === 'public') return;
    const optional = access.scope === 'read' && !access.always && !deps.readsRequireKey;
    const check = checkBearer(deps.keys(), access.scope, request.headers.authorization, optional);
    if (check.ok) return;
    if (check.reason === 'insufficient_scope')
      throw new AgentProblem(
        'forbidden',
        `the API key lacks the ${access.scope} scope this route needs`,
      );
    if (check.reason === 'missing_key')
      throw new AgentProblem('unauthorized', 'send an API key as `Authorization: Bearer <key>`', {
        'www-authenticate': 'Bearer realm="aidb-agent"',
      });
    throw new AgentProblem('invalid_api_key', 'the API key is not one this agent accepts', {
      'www-authenticate': 'Bearer realm="aidb-agent", error="invalid_token"',
    });
  }

  async function runJob(request: IncomingMessage, response: ServerResponse, job: string) {
    authorize(request, { scope: 'admin', always: true });
    // A JSON content type cannot be sent cross-origin without a CORS preflight, which this
    // server never grants: a web page the operator visits cannot trigger jobs.
    if (!isJsonContentType(request.headers['content-type']))
      throw new AgentProblem('unsupported_media_type', 'send Content-Type: application/json');
    const run = deps.runJob(job);
    if (run === undefined)
      throw new AgentProblem('unknown_job', `no job named ${job} is configured in this agent`);
    json(response, 200, await run);
  }

  async function route(request: IncomingMessage, response: ServerResponse, path: string) {
    const job = /^\/jobs\/([^/]+)\/run$/.exec(path)?.[1];
    if (job !== undefined) {
      if (request.method !== 'POST')
        throw new AgentProblem('method_not_allowed', `${String(request.method)} is not allowed`, {
          allow: 'POST',
        });
      await runJob(request, response, job);
      return;
    }
    const known = ['/metrics', '/health/live', '/health/ready', '/status'];
    if (!known.includes(path)) throw new AgentProblem('route_not_found', `no route ${path}`);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      throw new AgentProblem('method_not_allowed', `${String(request.method)} is not allowed`, {
        allow: 'GET, HEAD',
      });
    switch (path) {
      case '/metrics':
        authorize(request, { scope: 'read', always: true });
        response.writeHead(200, { 'content-type': prometheusContentType });
        response.end(await deps.renderMetrics());
        return;
      case '/status':
        authorize(request, { scope: 'read', always: false });
        json(response, 200, statusDocument(deps.status()));
        return;
      case '/health/live':
        json(response, 200, { status: 'ok' });
        return;
      default:
        if (deps.isReady()) json(response, 200, { status: 'ok' });
        else json(response, 503, { status: 'unavailable' });
    }
  }

  const server = createServer((request, response) => {
    const requestId = requestIdOf(request.headers['x-request-id']);
    response.setHeader('x-request-id', requestId);
    const path = new URL(request.url ?? '/', 'http://agent').pathname;
    route(request, response, path).catch((error: unknown) => {
      const problem =
        error instanceof AgentProblem
          ? error
          : new AgentProblem(
              'internal_error',
              'the request failed; the request id identifies it in the logs',
            );
      if (problem.code === 'internal_error')
        deps.logger.error({ err: error, url: request.url, requestId }, 'agent: request failed');
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const { status, title } = agentProblems[problem.code];
      response.writeHead(status, {
        ...problem.headers,
        'content-type': problemContentType,
        'cache-control': 'no-store',
      });
      const body = problemDocument({
        code: problem.code,
        title,
        status,
        detail: problem.message,
        instance: path,
        requestId,
      });
      response.end(`${JSON.stringify(body)}\n`);
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
