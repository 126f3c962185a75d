import { z } from 'zod';
import { traceHeaders } from '../../lib/telemetry/propagation.ts';
import { normalize, type Embedder } from './embedder.ts';

export interface HttpEmbedderOptions {
  /** Base URL of an OpenAI-compatible server (llama.cpp, vLLM, OpenAI…); `/v1/embeddings` is appended. */
  readonly url: string;
  readonly apiKey?: string | undefined;
  readonly model: string;
  readonly dimension: number;
  readonly timeoutMs: number;
  readonly batchSize: number;
  readonly fetch?: typeof fetch;
}

/** Why an embeddings call failed, for breakers, metrics and the 503 the client gets. */
export class EmbeddingsError extends Error {
  readonly kind: 'timeout' | 'connection' | 'server_error' | 'rejected' | 'invalid_response';
  constructor(kind: EmbeddingsError['kind'], message: string, options?: { cause?: unknown }) {
    super(`embeddings: ${message}`, options);
    this.name = 'EmbeddingsError';
    this.kind = kind;
  }
}

// The OpenAI embeddings response, as far as aidb relies on it.
const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
  model: z.string().optional(),
});

async function post(
  options: HttpEmbedderOptions,
  input: readonly string[],
  signal?: AbortSignal,
): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(
      new URL('v1/embeddings', options.url.endsWith('/') ? options.url : `${options.url}/`),
      {
        method: 'POST',
        headers: {
          ...traceHeaders(),
          'content-type': 'application/json',
          ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
        },
        body: JSON.stringify({ model: options.model, input }),
        signal: combined,
      },
    );
  } catch (error) {
    if (timeout.aborted)
      throw new EmbeddingsError('timeout', `no answer within ${options.timeoutMs} ms`, {
        cause: error,
      });
    throw new EmbeddingsError('connection', 'cannot reach the server', { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    const kind = response.status >= 500 ? 'server_error' : 'rejected';
    throw new EmbeddingsError(kind, `server answered ${response.status}`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new EmbeddingsError('invalid_response', 'response is not JSON', { cause: error });
  }
}

function vectorsOf(body: unknown, count: number, dimension: number): Float32Array[] {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success)
    throw new EmbeddingsError('invalid_response', 'response does not match the embeddings API');
  const vectors = new Array<Float32Array | undefined>(count);
  for (const item of parsed.data.data) {
    if (item.index >= count)
      throw new EmbeddingsError('invalid_response', `index ${item.index} out of range`);
    if (item.embedding.length !== dimension) {
      // A wrong dimension would corrupt the index, so it is an error, never truncated or padded.
      throw new EmbeddingsError(
        'invalid_response',
        `vector has ${item.embedding.length} dimensions, expected ${dimension}`,
      );
    }
    vectors[item.index] = normalize(Float32Array.from(item.embedding));
  }
  return vectors.map((vector, index) => {
    if (vector === undefined)
      throw new EmbeddingsError('invalid_response', `no vector for input ${index}`);
    return vector;
  });
}

/** An embedder calling an OpenAI-compatible `/v1/embeddings` endpoint in batches. */
export function createHttpEmbedder(options: HttpEmbedderOptions): Embedder {
  return {
    backend: 'http',
    model: options.model,
    dimension: options.dimension,
    async embed(texts, signal) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += options.batchSize) {
        const batch = texts.slice(start, start + options.batchSize);
        vectors.push(
          ...vectorsOf(await post(options, batch, signal), batch.length, options.dimension),
        );
      }
      return vectors;
    },
  };
}
