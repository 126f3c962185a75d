import type { DependencyOperation } from '../../catalog/labels.ts';
import {
  createQdrantClientApi,
  QdrantCallError,
  qdrantResult,
  type QdrantClientApi,
  type QdrantConnection,
} from '../../lib/qdrant.ts';
import { DependencyError } from '../dependencies/dependency-error.ts';

export interface QdrantClientOptions extends QdrantConnection {
  readonly timeoutMs: number;
  /** Wraps each call (telemetry, circuit breaker); the identity when absent. */
  readonly around?: <T>(operation: DependencyOperation, call: () => Promise<T>) => Promise<T>;
}

/** One operation of the official client's API, given the request options to pass it. */
export type QdrantCall<R> = (
  api: QdrantClientApi,
  init: RequestInit,
) => Promise<{ readonly data: { readonly result?: R } }>;

export interface QdrantClient {
  /** Runs `call` through `around` and resolves to Qdrant's `result`. */
  call<R>(operation: DependencyOperation, call: QdrantCall<R>): Promise<R>;
  /** The same, resolving to undefined where Qdrant answers 404 (a collection that is not there). */
  find<R>(operation: DependencyOperation, call: QdrantCall<R>): Promise<R | undefined>;
}

/**
 * Qdrant through its official client: API key, timeout, trace propagation, checked envelopes,
 * and every failure a DependencyError of its kind, so breaker, metrics and the 503 treat it as
 * they treat PostgreSQL's.
 */
export function createQdrantClient(options: QdrantClientOptions): QdrantClient {
  const api = createQdrantClientApi(options);
  const around =
    options.around ?? (<T>(_operation: DependencyOperation, call: () => Promise<T>) => call());
  const run = <R>(operation: DependencyOperation, call: QdrantCall<R>, allowMissing: boolean) =>
    around(operation, async (): Promise<R | undefined> => {
      try {
        return await qdrantResult((init) => call(api, init), { timeoutMs: options.timeoutMs });
      } catch (error) {
        if (!(error instanceof QdrantCallError)) throw error;
        if (allowMissing && error.status === 404) return undefined;
        throw new DependencyError('qdrant', error.kind, error.message, { cause: error });
      }
    });
  return {
    async call<R>(operation: DependencyOperation, call: QdrantCall<R>): Promise<R> {
      // Without allowMissing a 404 throws, so undefined never comes back.
      return (await run(operation, call, false)) as R;
    },
    find: (operation, call) => run(operation, call, true),
  };
}
