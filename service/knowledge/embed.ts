import type { z } from 'zod';
import type { embedResponse } from '../api/search.ts';
import type { KnowledgeDeps } from './deps.ts';

export async function embedTexts(
  deps: KnowledgeDeps,
  texts: readonly string[],
  signal?: AbortSignal,
): Promise<z.infer<typeof embedResponse>> {
  const vectors = await deps.embedder.embed(texts, signal);
  return {
    model: deps.embedder.model,
    dimension: deps.embedder.dimension,
    vectors: vectors.map((v) => Array.from(v)),
  };
}
