/**
 * The first `length` UTF-16 units of a chunk's text as a string of its own. A slice of a longer
 * string keeps all of it alive in V8 (a sliced string points into its parent): an index holding
 * previews of slices would hold every document's full text. Encoding to UTF-8 and back copies it,
 * and turns a lone surrogate into U+FFFD as the store does when it saves the text.
 */
export function preview(text: string, length: number): string {
  return Buffer.from(text.slice(0, length), 'utf8').toString('utf8');
}
