export interface ChunkingOptions {
  /** Largest chunk, in characters. */
  readonly size: number;
  /** Characters repeated at the start of the next chunk, so a sentence cut in two is still found. */
  readonly overlap: number;
}

// ~1 000 characters is ~250 tokens: small enough to be specific, large enough to carry context,
// and well inside the 512-token input limit of common embedding models.
export const defaultChunking: ChunkingOptions = { size: 1000, overlap: 100 };

/** Moves an index off the middle of a surrogate pair, so no chunk holds half a character. */
function onCharBoundary(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return index > 0 && code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

/** Where to cut: the last paragraph, line, sentence or word break before `limit`, if any. */
function cutPoint(text: string, start: number, limit: number): number {
  for (const pattern of ['\n\n', '\n', '. ', ' ']) {
    const at = text.lastIndexOf(pattern, limit);
    if (at > start) return at + pattern.length;
  }
  return limit;
}

/** Splits text into overlapping chunks on natural boundaries; short text is one chunk. */
export function chunkText(text: string, options: ChunkingOptions = defaultChunking): string[] {
  if (options.overlap >= options.size)
    throw new RangeError('chunking: overlap must be smaller than size');
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    if (text.length - start <= options.size) {
      chunks.push(text.slice(start));
      break;
    }
    const end = onCharBoundary(text, cutPoint(text, start + options.overlap, start + options.size));
    chunks.push(text.slice(start, end));
    start = onCharBoundary(text, Math.max(end - options.overlap, start + 1));
  }
  return chunks;
}
