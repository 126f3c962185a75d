import type { EmbedderBackend } from '../../catalog/labels.ts';

/** Turns texts into unit-length vectors of a fixed dimension. */
export interface Embedder {
  readonly backend: EmbedderBackend;
  readonly model: string;
  readonly dimension: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Scales a vector to unit length, so cosine similarity is a dot product; zero stays zero. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm === 0) return vector;
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}
