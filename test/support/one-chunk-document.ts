import type { DocumentWrite } from '../../service/store/documents.ts';

/** A document of one chunk with this embedding and placeholder text, for index tests. */
export function oneChunkDocument(id: string, embedding: Float32Array): DocumentWrite {
  return {
    id,
    title: null,
    content: 'x',
    metadata: {},
    source: null,
    contentSha256: 'x',
    chunks: [{ index: 0, content: 'x', embedding }],
  };
}
