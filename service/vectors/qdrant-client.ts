import { z } from 'zod';
import { DependencyError } from '../dependencies/dependency-error.ts';
import { requestJson } from '../dependencies/http-json.ts';
import type { DependencyOperation } from '../../catalog/labels.ts';

export interface QdrantClientOptions {
  readonly url: string;
  readonly apiKey?: string | undefined;
  readonly timeoutMs: number;
  /** Wraps each call (telemetry, circuit breaker); the identity when absent. */
  readonly around?: <T>(operation: DependencyOperation, call: () => Promise<T>) => Promise<T>;
}

// Qdrant answers `{ result, status, time }`; errors carry `{ status: { error } }`.
const envelope = z.object({ result: z.unknown() });
const errorEnvelope = z.object({ status: z.object({ error: z.string() }) });

export interface QdrantClient {
  /** Calls `path` and returns `result`; 404 returns undefined when `allowMissing`. */
  call(
    operation: DependencyOperation,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    allowMissing?: boolean,
  ): Promise<unknown>;
}

/** Qdrant's REST API over fetch: API key, timeout, trace propagation and checked envelopes. */
export function createQdrantClient(options: QdrantClientOptions): QdrantClient {
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const around =
    options.around ?? (<T>(_operation: DependencyOperation, call: () => Promise<T>) => call());
  return {
    call(operation, method, path, body, allowMissing = false) {
      return around(operation, async () => {
        const response = await requestJson({
          dependency: 'qdrant',
          method,
          url: new URL(path.replace(/^\//, ''), base),
          body,
          headers: options.apiKey === undefined ? {} : { 'api-key': options.apiKey },
          timeoutMs: options.timeoutMs,
        });
        if (response.status === 404 && allowMissing) return undefined;
        if (response.status >= 400) {
          const reason = errorEnvelope.safeParse(response.body);
          // The reason Qdrant gives is about our request (names, sizes); no secret is in it.
          const detail = reason.success ? `: ${reason.data.status.error}` : '';
          throw new DependencyError(
            'qdrant',
            'rejected',
            `request refused with ${response.status}${detail}`,
          );
        }
        const parsed = envelope.safeParse(response.body);
        if (!parsed.success)
          throw new DependencyError(
            'qdrant',
            'invalid_response',
            'response is not a Qdrant envelope',
          );
        return parsed.data.result;
      });
    },
  };
}
