import { z } from 'zod';
import {
  documentInput,
  documentList,
  ingestBody,
  ingestResponse,
  listDocumentsQuery,
} from '../api/documents.ts';
import { embedBody, embedResponse, searchBody, searchResponse } from '../api/search.ts';
import { collectionExists, ensureCollection } from '../knowledge/collections.ts';
import { listDocuments } from '../knowledge/documents.ts';
import { ingestDocuments } from '../knowledge/ingest.ts';
import { searchCollection } from '../knowledge/search.ts';
import { embedTexts } from '../knowledge/embed.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';

// Clients of the original service post one document or a batch, and one text or several.
const compatIngestBody = z.union([ingestBody, documentInput]);
const compatEmbedBody = z.union([
  embedBody,
  z.object({ text: embedBody.shape.texts.element }).strict(),
]);

/**
 * The original service's routes, mapped onto one default collection so existing clients keep
 * working while new ones use /v1. Writes create it when it is missing; reads never write, and
 * read a missing one as empty.
 */
export function compatRoutes(defaultCollection: string): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/documents',
      operationId: 'compatListDocuments',
      summary: 'List documents of the default collection (original API)',
      tag: 'compatibility',
      scope: 'read',
      query: listDocumentsQuery,
      responses: { 200: { description: 'One page', schema: documentList } },
      problems: { invalid_cursor: 'the cursor is not a `next_cursor` this listing returned' },
      async handler({ query }, deps) {
        if (!(await collectionExists(deps, defaultCollection)))
          return { status: 200, body: { documents: [], next_cursor: null } };
        return {
          status: 200,
          body: await listDocuments(deps, defaultCollection, query.limit, query.cursor),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/documents',
      operationId: 'compatIngestDocuments',
      summary: 'Store one document or a batch in the default collection (original API)',
      tag: 'compatibility',
      scope: 'write',
      body: compatIngestBody,
      responses: { 200: { description: 'Stored', schema: ingestResponse } },
      problems: {
        duplicate_id: 'two documents of the batch have the same id',
        dimension_mismatch: "the default collection's dimension is not the embedder's",
      },
      async handler({ body, signal }, deps) {
        const documents = 'documents' in body ? body.documents : [body];
        await ensureCollection(deps, defaultCollection);
        const { ids } = await ingestDocuments(deps, defaultCollection, documents, signal);
        return { status: 200, body: { ids } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/vector/search',
      operationId: 'compatSearch',
      limit: 'search',
      summary: 'Search the default collection (original API)',
      tag: 'compatibility',
      scope: 'read',
      body: searchBody,
      responses: { 200: { description: 'Results, best first', schema: searchResponse } },
      problems: {
        dimension_mismatch: "`vector` is not of the default collection's dimension",
        invalid_cursor: 'the cursor is not a `next_cursor` of this same search',
      },
      async handler({ body, signal }, deps) {
        if (!(await collectionExists(deps, defaultCollection)))
          return { status: 200, body: { results: [], next_cursor: null, index: deps.index.kind } };
        return {
          status: 200,
          body: await searchCollection(deps, defaultCollection, body, signal),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/vector/embed',
      operationId: 'compatEmbed',
      limit: 'search',
      summary: 'Embed one text or several (original API)',
      tag: 'compatibility',
      scope: 'read',
      body: compatEmbedBody,
      responses: { 200: { description: 'One vector per text', schema: embedResponse } },
      async handler({ body, signal }, deps) {
        const texts = 'texts' in body ? body.texts : [body.text];
        return { status: 200, body: await embedTexts(deps, texts, signal) };
      },
    }),
  ];
}
