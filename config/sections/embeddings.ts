import { z } from 'zod';
import { maxDimension } from '../../lib/vector-limits.ts';
import { setting } from '../setting.ts';
import { httpUrl, millis } from './primitives.ts';

export const embeddings = z
  .object({
    url: setting(httpUrl.optional(), {
      env: 'EMBEDDINGS_URL',
      doc: 'OpenAI-compatible or llama.cpp embeddings server; unset uses the built-in lexical embedder.',
    }),
    apiKey: setting(z.string().min(1).optional(), {
      env: 'EMBEDDINGS_API_KEY',
      secret: true,
      doc: 'Bearer key for the embeddings server.',
    }),
    model: setting(z.string().min(1).max(200).default('aidb-lexical-384'), {
      env: 'EMBEDDINGS_MODEL',
      doc: 'Model name sent to the embeddings server and reported by `/v1/embed`.',
    }),
    dimension: setting(z.number().int().min(2).max(maxDimension).default(384), {
      env: 'EMBEDDINGS_DIMENSION',
      doc: 'Vector dimension the embeddings backend must return.',
    }),
    timeoutMs: setting(millis.default(10_000), {
      env: 'AIDB_EMBEDDINGS_TIMEOUT_MS',
      doc: 'Timeout of each embeddings call.',
    }),
    batchSize: setting(z.number().int().min(1).max(256).default(32), {
      env: 'AIDB_EMBEDDINGS_BATCH_SIZE',
      doc: 'Texts per embeddings request.',
    }),
  })
  .strict();
