import { traceHeaders } from '../../lib/telemetry/propagation.ts';
import { DependencyError } from './dependency-error.ts';

export interface JsonRequest {
  readonly dependency: DependencyError['dependency'];
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: URL;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly fetch?: typeof fetch;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One JSON call to a dependency with a timeout and the caller's trace in `traceparent`. Network
 * failures, timeouts, 5xx and unreadable bodies become DependencyErrors; other statuses are
 * returned for the caller to judge (a 404 can be an answer).
 */
export async function requestJson(request: JsonRequest): Promise<JsonResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal =
    request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(request.url, {
      method: request.method,
      headers: {
        ...traceHeaders(),
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal,
    });
  } catch (error) {
    if (timeout.aborted) {
      throw new DependencyError(
        request.dependency,
        'timeout',
        `no answer within ${request.timeoutMs} ms`,
        { cause: error },
      );
    }
    throw new DependencyError(request.dependency, 'connection', 'cannot reach the server', {
      cause: error,
    });
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new DependencyError(
      request.dependency,
      'server_error',
      `server answered ${response.status}`,
    );
  }
  try {
    return { status: response.status, body: await response.json() };
  } catch (error) {
    if (timeout.aborted) {
      throw new DependencyError(
        request.dependency,
        'timeout',
        `no answer within ${request.timeoutMs} ms`,
        { cause: error },
      );
    }
    throw new DependencyError(request.dependency, 'invalid_response', 'response is not JSON', {
      cause: error,
    });
  }
}
