import { z } from 'zod';
import { DependencyError } from '../dependencies/dependency-error.ts';
import { requestJson } from '../dependencies/http-json.ts';
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
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const response = await requestJson({
    dependency: 'embeddings',
    method: 'POST',
    url: new URL('v1/embeddings', base),
    body: { model: options.model, input },
    headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
    timeoutMs: options.timeoutMs,
    signal,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  if (response.status !== 200) {
    throw new DependencyError('embeddings', 'rejected', `server answered ${response.status}`);
  }
  return response.body;
}

function vectorsOf(body: unknown, count: number, dimension: number): Float32Array[] {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success)
    throw new DependencyError(
      'embeddings',
      'invalid_response',
      'response does not match the embeddings API',
    );
  const vectors = new Array<Float32Array | undefined>(count);
  for (const item of parsed.data.data) {
    if (item.index >= count)
      throw new DependencyError(
        'embeddings',
        'invalid_response',
        `index ${item.index} out of range`,
      );
    if (item.embedding.length !== dimension) {
      // A wrong dimension would corrupt the index, so it is an error, never truncated or padded.
      throw new DependencyError(
        'embeddings',
        'invalid_response',
        `vector has ${item.embedding.length} dimensions, expected ${dimension}`,
      );
    }
    vectors[item.index] = normalize(Float32Array.from(item.embedding));
  }
  return vectors.map((vector, index) => {
    if (vector === undefined)
      throw new DependencyError('embeddings', 'invalid_response', `no vector for input ${index}`);
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
