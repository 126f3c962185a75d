import type { Metadata } from '../store/documents.ts';
import type { ScanHit } from './exact-scan.ts';
import { codeLimit, peakOf, quantizeInto } from './int8-codes.ts';

/** The rows as signed bytes (int8-codes.ts), for a kernel that scans them first. */
export interface CoarseRows {
  /** The codes of the rows in use, row after row (a view, valid until the next write). */
  readonly codes: Int8Array;
  readonly scale: number;
  /** Upper bounds of every row's quantization error and norm. */
  readonly maxError: number;
  readonly maxNorm: number;
}

/** Finds the best rows of a packed matrix: the JavaScript scan, or a native one when installed. */
export type ScanKernel = (
  rows: Float32Array,
  count: number,
  query: Float32Array,
  k: number,
  minScore: number,
  accept?: (row: number) => boolean,
  coarse?: CoarseRows,
) => ScanHit[];

// When a new row's peak exceeds what the scale can code, the scale leaves this much room, so a
// growing collection re-codes its rows a few times rather than at every new peak.
const rescaleHeadroom = 1.25;

export interface VectorKeyHit {
  /** Where the hit is until the next write. */
  readonly row: number;
  readonly documentId: string;
  readonly chunkIndex: number;
  readonly score: number;
}

export interface ChunkVector {
  readonly index: number;
  readonly embedding: Float32Array;
  /** The start of the chunk's text, as much as a search result shows. */
  readonly preview: string;
}

/** What a search result shows of a document besides its chunk. */
export interface DocumentInfo {
  readonly title: string | null;
  readonly metadata: Metadata;
}

/**
 * The vectors of one collection, packed row after row in one Float32Array that grows by
 * doubling, with the key and text preview of each row beside it and the title and metadata of
 * each document, so a search needs nothing else to answer. Deleting moves the last row into the
 * hole, so the rows stay dense and a scan reads one contiguous block. Beside the rows, the same
 * vectors as bytes on one scale for the whole collection (a coarse first pass; the native kernel
 * rescores its candidates on the rows). Pure: no I/O.
 */
export class CollectionVectors {
  readonly dimension: number;
  #rows: Float32Array;
  #codes: Int8Array;
  /** Codes per unit; 0 until a row with a non-zero component arrives. */
  #scale = 0;
  // Only ever raised (a delete leaves them as bounds), and measured again when rows are re-coded.
  #maxError = 0;
  #maxNorm = 0;
  #count = 0;
  #documentOf: string[] = [];
  #chunkOf: number[] = [];
  #previewOf: string[] = [];
  readonly #rowsOf = new Map<string, number[]>();
  readonly #infoOf = new Map<string, DocumentInfo>();

  constructor(dimension: number, capacity = 64) {
    this.dimension = dimension;
    this.#rows = new Float32Array(Math.max(1, capacity) * dimension);
    this.#codes = new Int8Array(this.#rows.length);
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

  previewOf(row: number): string {
    return this.#previewOf[row] ?? '';
  }

  info(documentId: string): DocumentInfo | undefined {
    return this.#infoOf.get(documentId);
  }

  /** Every row's key and preview in row order, and every document's info: what a snapshot
   * stores beside the rows. */
  keys(): {
    documents: readonly string[];
    chunks: readonly number[];
    previews: readonly string[];
    infos: ReadonlyMap<string, DocumentInfo>;
  } {
    return {
      documents: this.#documentOf,
      chunks: this.#chunkOf,
      previews: this.#previewOf,
      infos: this.#infoOf,
    };
  }

  /** Replaces a document and all of its chunks. */
  replace(documentId: string, info: DocumentInfo, chunks: readonly ChunkVector[]): void {
    this.remove(documentId);
    if (chunks.length === 0) return;
    this.#infoOf.set(documentId, info);
    for (const chunk of chunks)
      this.#append(documentId, chunk.index, chunk.embedding, chunk.preview);
  }

  remove(documentId: string): void {
    const rows = this.#rowsOf.get(documentId);
    if (rows === undefined) return;
    this.#rowsOf.delete(documentId);
    this.#infoOf.delete(documentId);
    // Highest first: moving the last row down never moves a row of this document still to go.
    for (const row of rows.sort((a, b) => b - a)) this.#removeRow(row);
  }

  /** Appends rows read from the store or a snapshot, keys and previews in row order. */
  load(
    rows: Float32Array,
    keys: {
      readonly documents: readonly string[];
      readonly chunks: readonly number[];
      readonly previews: readonly string[];
    },
    infos: Iterable<readonly [string, DocumentInfo]>,
  ): void {
    for (const [id, info] of infos) this.#infoOf.set(id, info);
    // One scale for all loaded rows: appending them one by one could re-code at each new peak.
    const peak = peakOf(rows);
    if (this.#outgrows(peak)) this.#recode(codeLimit / Math.max(peak, peakOf(this.rows)));
    for (let i = 0; i < keys.documents.length; i++) {
      const start = i * this.dimension;
      this.#append(
        keys.documents[i] ?? '',
        keys.chunks[i] ?? 0,
        rows.subarray(start, start + this.dimension),
        keys.previews[i] ?? '',
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
    const coarse =
      this.#scale === 0
        ? undefined
        : {
            codes: this.#codes.subarray(0, this.#count * this.dimension),
            scale: this.#scale,
            maxError: this.#maxError,
            maxNorm: this.#maxNorm,
          };
    return kernel(this.rows, this.#count, query, k, minScore, accept, coarse)
      .map((hit) => ({
        row: hit.row,
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

  #append(documentId: string, chunkIndex: number, embedding: Float32Array, preview: string): void {
    if (embedding.length !== this.dimension)
      throw new RangeError(`vector of ${embedding.length} dimensions in a ${this.dimension} index`);
    if ((this.#count + 1) * this.dimension > this.#rows.length) {
      const grown = new Float32Array(this.#rows.length * 2);
      grown.set(this.#rows);
      this.#rows = grown;
      const grownCodes = new Int8Array(grown.length);
      grownCodes.set(this.#codes);
      this.#codes = grownCodes;
    }
    const row = this.#count++;
    this.#rows.set(embedding, row * this.dimension);
    const peak = peakOf(embedding);
    if (this.#outgrows(peak)) this.#recode(codeLimit / (peak * rescaleHeadroom));
    else if (this.#scale !== 0) this.#code(row);
    this.#documentOf[row] = documentId;
    this.#chunkOf[row] = chunkIndex;
    this.#previewOf[row] = preview;
    const rows = this.#rowsOf.get(documentId);
    if (rows === undefined) this.#rowsOf.set(documentId, [row]);
    else rows.push(row);
  }

  #removeRow(row: number): void {
    const last = --this.#count;
    if (row !== last) {
      const d = this.dimension;
      this.#rows.copyWithin(row * d, last * d, (last + 1) * d);
      this.#codes.copyWithin(row * d, last * d, (last + 1) * d);
      const movedDocument = this.#documentOf[last] ?? '';
      this.#documentOf[row] = movedDocument;
      this.#chunkOf[row] = this.#chunkOf[last] ?? 0;
      this.#previewOf[row] = this.#previewOf[last] ?? '';
      const moved = this.#rowsOf.get(movedDocument);
      if (moved !== undefined) moved[moved.indexOf(last)] = row;
    }
    this.#documentOf.length = last;
    this.#chunkOf.length = last;
    this.#previewOf.length = last;
  }

  /** Whether a component this large cannot be coded on the current scale. */
  #outgrows(peak: number): boolean {
    return this.#scale === 0 ? peak > 0 : peak * this.#scale > codeLimit;
  }

  #code(row: number): void {
    const start = row * this.dimension;
    const { error, norm } = quantizeInto(
      this.#rows.subarray(start, start + this.dimension),
      this.#scale,
      this.#codes,
      start,
    );
    this.#maxError = Math.max(this.#maxError, error);
    this.#maxNorm = Math.max(this.#maxNorm, norm);
  }

  /** Codes every row in use again on a new scale. */
  #recode(scale: number): void {
    this.#scale = scale;
    this.#maxError = 0;
    this.#maxNorm = 0;
    for (let row = 0; row < this.#count; row++) this.#code(row);
  }
}
