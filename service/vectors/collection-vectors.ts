import type { ScanHit } from './exact-scan.ts';

/** Finds the best rows of a packed matrix: the JavaScript scan, or a native one when installed. */
export type ScanKernel = (
  rows: Float32Array,
  count: number,
  query: Float32Array,
  k: number,
  minScore: number,
  accept?: (row: number) => boolean,
) => ScanHit[];

export interface VectorKeyHit {
  readonly documentId: string;
  readonly chunkIndex: number;
  readonly score: number;
}

export interface ChunkVector {
  readonly index: number;
  readonly embedding: Float32Array;
}

/**
 * The vectors of one collection, packed row after row in one Float32Array that grows by
 * doubling, with the key of each row beside it. Deleting moves the last row into the hole, so
 * the rows stay dense and a scan reads one contiguous block. Pure: no I/O.
 */
export class CollectionVectors {
  readonly dimension: number;
  #rows: Float32Array;
  #count = 0;
  #documentOf: string[] = [];
  #chunkOf: number[] = [];
  readonly #rowsOf = new Map<string, number[]>();

  constructor(dimension: number, capacity = 64) {
    this.dimension = dimension;
    this.#rows = new Float32Array(Math.max(1, capacity) * dimension);
  }

  get size(): number {
    return this.#count;
  }

  /** The packed rows in use (a view, valid until the next write). */
  get rows(): Float32Array {
    return this.#rows.subarray(0, this.#count * this.dimension);
  }

  documentOf(row: number): string {
    return this.#documentOf[row] ?? '';
  }

  chunkOf(row: number): number {
    return this.#chunkOf[row] ?? -1;
  }

  /** Every row's key, in row order: what a snapshot stores beside the rows. */
  keys(): { documents: readonly string[]; chunks: readonly number[] } {
    return { documents: this.#documentOf, chunks: this.#chunkOf };
  }

  /** Replaces all chunks of a document (none: the document is gone). */
  replace(documentId: string, chunks: readonly ChunkVector[]): void {
    this.remove(documentId);
    for (const chunk of chunks) this.#append(documentId, chunk.index, chunk.embedding);
  }

  remove(documentId: string): void {
    const rows = this.#rowsOf.get(documentId);
    if (rows === undefined) return;
    this.#rowsOf.delete(documentId);
    // Highest first: moving the last row down never moves a row of this document still to go.
    for (const row of rows.sort((a, b) => b - a)) this.#removeRow(row);
  }

  /** Appends rows read from the store or a snapshot, keys in row order. */
  load(rows: Float32Array, documents: readonly string[], chunks: readonly number[]): void {
    for (let i = 0; i < documents.length; i++) {
      const start = i * this.dimension;
      this.#append(
        documents[i] ?? '',
        chunks[i] ?? 0,
        rows.subarray(start, start + this.dimension),
      );
    }
  }

  /** The best `k` hits, best first; ties ordered by document id and chunk, like the SQL engines. */
  search(
    kernel: ScanKernel,
    query: Float32Array,
    k: number,
    minScore: number,
    acceptDocument?: (documentId: string) => boolean,
  ): VectorKeyHit[] {
    if (this.#count === 0 || k <= 0) return [];
    const accept =
      acceptDocument === undefined
        ? undefined
        : (row: number) => acceptDocument(this.documentOf(row));
    return kernel(this.rows, this.#count, query, k, minScore, accept)
      .map((hit) => ({
        documentId: this.documentOf(hit.row),
        chunkIndex: this.chunkOf(hit.row),
        score: hit.score,
      }))
      .sort(
        (a, b) =>
          b.score - a.score ||
          (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0) ||
          a.chunkIndex - b.chunkIndex,
      );
  }

  #append(documentId: string, chunkIndex: number, embedding: Float32Array): void {
    if (embedding.length !== this.dimension)
      throw new RangeError(`vector of ${embedding.length} dimensions in a ${this.dimension} index`);
    if ((this.#count + 1) * this.dimension > this.#rows.length) {
      const grown = new Float32Array(this.#rows.length * 2);
      grown.set(this.#rows);
      this.#rows = grown;
    }
    const row = this.#count++;
    this.#rows.set(embedding, row * this.dimension);
    this.#documentOf[row] = documentId;
    this.#chunkOf[row] = chunkIndex;
    const rows = this.#rowsOf.get(documentId);
    if (rows === undefined) this.#rowsOf.set(documentId, [row]);
    else rows.push(row);
  }

  #removeRow(row: number): void {
    const last = --this.#count;
    if (row !== last) {
      const d = this.dimension;
      this.#rows.copyWithin(row * d, last * d, (last + 1) * d);
      const movedDocument = this.#documentOf[last] ?? '';
      this.#documentOf[row] = movedDocument;
      this.#chunkOf[row] = this.#chunkOf[last] ?? 0;
      const moved = this.#rowsOf.get(movedDocument);
      if (moved !== undefined) moved[moved.indexOf(last)] = row;
    }
    this.#documentOf.length = last;
    this.#chunkOf.length = last;
  }
}
