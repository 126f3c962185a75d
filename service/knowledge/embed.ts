import type { z } from 'zod';
import type { embedResponse } from '../api/search.ts';
import { DependencyError } from '../dependencies/dependency-error.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import type { CollectionRef } from '../store/collections.ts';
import type { KnowledgeDeps } from './deps.ts';
import { KnowledgeError } from './errors.ts';

/**
 * Refuses to put the embedder's vectors into (or search with them) a collection of another
 * dimension: they would not fit its index. `hint` says what the caller can do instead.
 */
export function requireEmbedderDimension(
  embedder: Embedder,
  collection: Pick<CollectionRef, 'name' | 'dimension'>,
  hint = '',
): void {
  if (collection.dimension === embedder.dimension) return;
  throw new KnowledgeError(
    'dimension_mismatch',
    `collection ${collection.name} has dimension ${collection.dimension} but the embedder (${embedder.model}) produces ${embedder.dimension}${hint}`,
  );
}

/**
 * One vector of the embedder's dimension per text, in order. Anything else is an embedder
 * breaking its contract: an error, never padded or left out, since a missing or short vector
 * would be stored or searched as if it meant something.
 */
export async function embedEach(
  embedder: Embedder,
  texts: readonly string[],
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  const vectors = await embedder.embed(texts, signal);
  if (vectors.length !== texts.length)
    throw new DependencyError(
      'embeddings',
      'invalid_response',
      `${String(vectors.length)} vectors for ${String(texts.length)} texts`,
    );
  const wrong = vectors.findIndex((vector) => vector.length !== embedder.dimension);
  if (wrong !== -1)
    throw new DependencyError(
      'embeddings',
      'invalid_response',
      `vector ${String(wrong)} has ${String(vectors[wrong]?.length)} dimensions, expected ${String(embedder.dimension)}`,
    );
  return vectors;
}

export async function embedTexts(
  deps: KnowledgeDeps,
  texts: readonly string[],
  signal?: AbortSignal,
): Promise<z.infer<typeof embedResponse>> {
  const vectors = await embedEach(deps.embedder, texts, signal);
  return {
    model: deps.embedder.model,
    dimension: deps.embedder.dimension,
    vectors: vectors.map((v) => Array.from(v)),
  };
}
