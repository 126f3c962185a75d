import type pg from 'pg';

/**
 * Ground truth for recall: every chunk vector of a collection, copied once into this process
 * and scanned exactly per query. The service's exact-SQL search gives the same answer, but at
 * 100k chunks it takes seconds a query (it is linear, and measured for that separately).
 */
export interface ChunkVectors {
  readonly keys: readonly string[];
  readonly data: Float32Array;
  readonly dimension: number;
}

// array_send: a 20-byte header, then a 4-byte length and a big-endian float per element.
function decodeFloat4Array(bytes: Buffer, into: Float32Array, at: number, dimension: number): void {
  for (let d = 0; d < dimension; d++) into[at + d] = bytes.readFloatBE(20 + d * 8 + 4);
}

export async function loadChunkVectors(
  pool: pg.Pool,
  collectionId: number,
  dimension: number,
): Promise<ChunkVectors> {
  const { rows } = await pool.query<{ document_id: string; chunk_index: number; e: Buffer }>(
    `SELECT document_id, chunk_index, array_send(embedding) AS e
     FROM chunks WHERE collection_id = $1`,
    [collectionId],
  );
  const data = new Float32Array(rows.length * dimension);
  const keys = rows.map((row, i) => {
    decodeFloat4Array(row.e, data, i * dimension, dimension);
    return `${row.document_id}#${String(row.chunk_index)}`;
  });
  return { keys, data, dimension };
}

/** Keys of the k chunks nearest by cosine (vectors are unit-length: the dot product). */
export function exactTopK(vectors: ChunkVectors, query: Float32Array, k: number): Set<string> {
  const { data, dimension, keys } = vectors;
  const best: { score: number; index: number }[] = [];
  for (let i = 0; i < keys.length; i++) {
    let score = 0;
    const base = i * dimension;
    for (let d = 0; d < dimension; d++) score += (data[base + d] ?? 0) * (query[d] ?? 0);
    if (best.length < k || score > (best[best.length - 1]?.score ?? -Infinity)) {
      best.push({ score, index: i });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
    }
  }
  return new Set(best.map((hit) => keys[hit.index] ?? ''));
}
