/**
 * Qdrant's official REST client (`@qdrant/js-client-rest`), set up the way the service and the
 * backups call it, with its failures sorted into the kinds both report. Import this module with
 * `import()` where Qdrant is configured: loading the client costs ~30 MiB of resident memory
 * (its undici), half of the agent's bar (measured in README, "Departures from the design card").
 *
 * Snapshot downloads and uploads do not go through the client: it reads every answer into a
 * string (a 560 MiB snapshot fails at V8's string limit) and sends a FormData payload as `{}`.
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { traceHeaders } from './telemetry/propagation.ts';

/** The client's API generated from Qdrant's OpenAPI document: one function per operation. */
export type QdrantClientApi = ReturnType<QdrantClient['api']>;

export interface QdrantConnection {
  /** Base URL of Qdrant's REST API; a path prefix (a proxy's) is kept. */
  readonly url: string;
  readonly apiKey?: string | undefined;
}

export function createQdrantClientApi(connection: QdrantConnection): QdrantClientApi {
  const url = new URL(connection.url);
  const prefix = url.pathname.replace(/\/+$/, '');
  return new QdrantClient({
    // The client takes only scheme, host and port from `url`, and port 6333 where it names none.
    url: url.origin,
    port: null,
    ...(prefix === '' ? {} : { prefix }),
    // A header, not `apiKey`: with `apiKey` over http the client writes a warning to the console.
    ...(connection.apiKey === undefined ? {} : { headers: { 'api-key': connection.apiKey } }),
    // The client's timeout replaces the signal a call passes; each call sets its own instead.
    timeout: Number.POSITIVE_INFINITY,
    // It would call Qdrant on construction and write to the console when that fails.
    checkCompatibility: false,
  }).api();
}

export type QdrantFailureKind =
  'timeout' | 'connection' | 'server_error' | 'rejected' | 'invalid_response';

/** A call to Qdrant that failed: how, with the HTTP status where there was an answer. */
export class QdrantCallError extends Error {
  readonly kind: QdrantFailureKind;
  readonly status: number | undefined;

  constructor(
    kind: QdrantFailureKind,
    status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QdrantCallError';
    this.kind = kind;
    this.status = status;
  }
}

export interface QdrantCallOptions {
  /** Absent: no time limit (a snapshot of a large collection takes as long as it takes). */
  readonly timeoutMs?: number | undefined;
  /** The caller's cancellation; its abort rejects with the client's error, not a QdrantCallError. */
  readonly signal?: AbortSignal | undefined;
}

/** What Qdrant says went wrong (`{ status: { error } }`): about the request, never a secret. */
function reasonOf(data: unknown): string {
  const status = (data as { status?: { error?: unknown } } | null)?.status;
  return typeof status?.error === 'string' ? `: ${status.error}` : '';
}

function failure(error: unknown, timeoutMs: number | undefined): QdrantCallError {
  const options = { cause: error };
  if (timeoutMs !== undefined)
    return new QdrantCallError('timeout', undefined, `no answer within ${timeoutMs} ms`, options);
  // The generated API throws its ApiError (status, data) for any status but 2xx.
  const { status, data, name } = (error ?? {}) as {
    status?: unknown;
    data?: unknown;
    name?: unknown;
  };
  if (typeof status === 'number') {
    return status >= 500
      ? new QdrantCallError('server_error', status, `server answered ${status}`, options)
      : new QdrantCallError(
          'rejected',
          status,
          `request refused with ${status}${reasonOf(data)}`,
          options,
        );
  }
  if (name === 'QdrantClientResourceExhaustedError')
    return new QdrantCallError('rejected', 429, 'request refused with 429', options);
  if (name === 'QdrantClientUnexpectedResponseError')
    return new QdrantCallError('invalid_response', undefined, 'unexpected answer', options);
  return new QdrantCallError('connection', undefined, 'cannot reach the server', options);
}

/**
 * One call of the generated API with the caller's signal and its own timeout, the active trace
 * in `traceparent`, and Qdrant's envelope (`{ result, status, time }`) opened: resolves to
 * `result`.
 */
export async function qdrantResult<R>(
  call: (init: RequestInit) => Promise<{ readonly data: { readonly result?: R } }>,
  options: QdrantCallOptions,
): Promise<R> {
  const timeout =
    options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signals = [options.signal, timeout].filter((s) => s !== undefined);
  let data: unknown;
  try {
    ({ data } = await call({
      headers: traceHeaders(),
      ...(signals.length === 0 ? {} : { signal: AbortSignal.any(signals) }),
      // Node's own fetch dispatcher instead of the client's (an Agent of its bundled undici):
      // with the client's, each call took ~1 ms more on loopback (`npm run bench:qdrant-client`).
      dispatcher: undefined,
    } as RequestInit));
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    throw failure(error, timeout?.aborted === true ? options.timeoutMs : undefined);
  }
  // An answer that is not JSON reaches here as a string.
  const result = (data as { result?: R } | null | undefined)?.result;
  if (typeof data !== 'object' || result === undefined)
    throw new QdrantCallError('invalid_response', undefined, 'answer is not a Qdrant envelope');
  return result;
}
