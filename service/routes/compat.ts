import { z } from 'zod';
import {
  documentInput,
  documentList,
  ingestBody,
  ingestResponse,
  listDocumentsQuery,
} from '../api/documents.ts';
import { embedBody, embedResponse, searchBody, searchResponse } from '../api/search.ts';
import { putCollection } from '../knowledge/collections.ts';
import type { KnowledgeDeps } from '../knowledge/deps.ts';
import { listDocuments } from '../knowledge/documents.ts';
import { ingestDocuments } from '../knowledge/ingest.ts';
import { searchCollection } from '../knowledge/search.ts';
import { embedTexts } from '../knowledge/embed.ts';
import { defineRoute, type RouteDef } from './route.ts';

// Clients of the original service post one document or a batch, and one text or several.
const compatIngestBody = z.union([ingestBody, documentInput]);
const compatEmbedBody = z.union([
  embedBody,
  z.object({ text: embedBody.shape.texts.element }).strict(),
]);

/**
 * The original service's routes, mapped onto one default collection (created on first use) so
 * existing clients keep working while new ones use /v1.
 */
export function compatRoutes(defaultCollection: string): RouteDef[] {
  const ensure = async (deps: KnowledgeDeps): Promise<string> => {
    await putCollection(deps, defaultCollection, {});
    return defaultCollection;
  };
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
      async handler({ query }, deps) {
        return {
          status: 200,
          body: await listDocuments(deps, await ensure(deps), query.limit, query.cursor),
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
      async handler({ body, signal }, deps) {
        const documents = 'documents' in body ? body.documents : [body];
        const { ids } = await ingestDocuments(deps, await ensure(deps), documents, signal);
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
      async handler({ body, signal }, deps) {
        const { cached: _cached, ...outcome } = await searchCollection(
          deps,
          await ensure(deps),
          body,
          signal,
        );
        return { status: 200, body: outcome };
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
