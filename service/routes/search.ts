import { collectionParams } from '../api/collections.ts';
import { embedBody, embedResponse, searchBody, searchResponse } from '../api/search.ts';
import { searchCollection } from '../knowledge/search.ts';
import { embedTexts } from '../knowledge/embed.ts';
import { defineRoute } from '../http/route.ts';

export const searchRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/collections/:name/search',
    operationId: 'search',
    limit: 'search',
    summary: 'Rank chunks by cosine similarity to a text or vector query',
    tag: 'search',
    scope: 'read',
    params: collectionParams,
    body: searchBody,
    responses: { 200: { description: 'Results, best first', schema: searchResponse } },
    problems: {
      collection_not_found: 'no collection has this name',
      dimension_mismatch:
        "`vector` is not of the collection's dimension, or the collection's is not the embedder's",
      invalid_cursor: 'the cursor is not a `next_cursor` of this same search',
    },
    async handler({ params, body, signal }, deps) {
      return { status: 200, body: await searchCollection(deps, params.name, body, signal) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/embed',
    operationId: 'embed',
    limit: 'search',
    summary: 'Embed 1–64 texts with the configured model',
    tag: 'search',
    scope: 'read',
    body: embedBody,
    responses: { 200: { description: 'One unit-length vector per text', schema: embedResponse } },
    async handler({ body, signal }, deps) {
      return { status: 200, body: await embedTexts(deps, body.texts, signal) };
    },
  }),
];
