/**
 * Sends one API call: auth header, JSON body, per-request timeout, retries by the rule in
 * `retry.ts`, and errors turned into `AidbApiError`.
 */
import { AidbApiError, parseProblem } from './problem.ts';
import { parseRetryAfter, retryDelay, retryPolicy, type RetryPolicy } from './retry.ts';

export interface TransportOptions {
  /** Where the service listens, e.g. `http://127.0.0.1:8091`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; never logged or put in error messages. */
  readonly apiKey?: string | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** Limit of one request, retries not included. @default 30000 */
  readonly timeoutMs?: number | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** Waits between attempts; tests inject one that records instead of sleeping. */
  readonly sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random?: (() => number) | undefined;
  readonly now?: (() => number) | undefined;
}

export interface Call {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  /** Whether sending it twice is harmless; decides retries of 503 (see `retry.ts`). */
  readonly idempotent: boolean;
  /** Statuses that are answers, not errors (a probe's 503). Never retried. */
  readonly accept?: readonly number[];
  readonly signal?: AbortSignal | undefined;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Uint8Array;
}

export interface Transport {
  readonly baseUrl: string;
  send(call: Call): Promise<Answer>;
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function urlOf(baseUrl: string, call: Call): string {
  const url = new URL(call.path, `${baseUrl}/`);
  for (const [key, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

export function createTransport(options: TransportOptions): Transport {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (error) {
    throw new TypeError(`aidb client: baseUrl ${JSON.stringify(options.baseUrl)} is not a URL`, {
      cause: error,
    });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new TypeError(`aidb client: baseUrl must be http(s), not ${base.protocol}`);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const policy = retryPolicy(options.retry);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  async function once(call: Call, url: string): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const signal = AbortSignal.any([
      AbortSignal.timeout(timeoutMs),
      ...(call.signal === undefined ? [] : [call.signal]),
    ]);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: call.method,
        headers,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        signal,
      });
    } catch (error) {
      throw new Error(`aidb client: ${call.method} ${url} failed`, { cause: error });
    }
    return {
      status: response.status,
      headers: response.headers,
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  }

  return {
    baseUrl,
    async send(call) {
      const url = urlOf(baseUrl, call);
      const started = now();
      for (let attempt = 1; ; attempt++) {
        const answer = await once(call, url);
        if (answer.status < 400 || call.accept?.includes(answer.status) === true) return answer;
        const text = new TextDecoder().decode(answer.bytes);
        const problem = parseProblem(text);
        const code = problem?.code ?? `http_${answer.status}`;
        const retryAfterSeconds = parseRetryAfter(answer.headers.get('retry-after'), now());
        const delay = retryDelay(
          {
            idempotent: call.idempotent,
            status: answer.status,
            code,
            retryAfterSeconds,
            attempt,
            elapsedMs: now() - started,
          },
          policy,
          random(),
        );
        if (delay === undefined) {
          throw new AidbApiError({
            method: call.method,
            url,
            status: answer.status,
            code,
            detail: problem?.detail ?? (text.slice(0, 200) || 'no detail'),
            retryAfterSeconds,
            problem,
            attempts: attempt,
          });
        }
        await sleep(delay, call.signal);
      }
    },
  };
}
