import { collectionParams } from '../api/collections.ts';
import {
  document,
  documentList,
  documentParams,
  ingestBody,
  ingestResponse,
  listDocumentsQuery,
} from '../api/documents.ts';
import { deleteDocument, getDocument, listDocuments } from '../knowledge/documents.ts';
import { ingestDocuments } from '../knowledge/ingest.ts';
import { defineRoute } from '../http/route.ts';

export const documentRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/collections/:name/documents',
    operationId: 'ingestDocuments',
    summary: 'Store 1–100 documents; an existing id is replaced with its chunks',
    tag: 'documents',
    scope: 'write',
    params: collectionParams,
    body: ingestBody,
    responses: { 200: { description: 'Stored; ids in input order', schema: ingestResponse } },
    problems: {
      collection_not_found: 'no collection has this name',
      duplicate_id: 'two documents of the batch have the same id',
      dimension_mismatch: "the collection's dimension is not the embedder's",
    },
    async handler({ params, body, signal }, deps) {
      const { ids } = await ingestDocuments(deps, params.name, body.documents, signal);
      return { status: 200, body: { ids } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/collections/:name/documents',
    operationId: 'listDocuments',
    summary: 'List documents in id order, one page at a time',
    tag: 'documents',
    scope: 'read',
    params: collectionParams,
    query: listDocumentsQuery,
    responses: {
      200: { description: 'One page; follow next_cursor for the next', schema: documentList },
    },
    problems: {
      collection_not_found: 'no collection has this name',
      invalid_cursor: 'the cursor is not a `next_cursor` this listing returned',
    },
    async handler({ params, query }, deps) {
      return {
        status: 200,
        body: await listDocuments(deps, params.name, query.limit, query.cursor),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/collections/:name/documents/:id',
    operationId: 'getDocument',
    summary: 'A document with its full content',
    tag: 'documents',
    scope: 'read',
    params: documentParams,
    responses: { 200: { description: 'The document', schema: document } },
    problems: {
      collection_not_found: 'no collection has this name',
      document_not_found: 'the collection has no document with this id',
    },
    async handler({ params }, deps) {
      return { status: 200, body: await getDocument(deps, params.name, params.id) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/collections/:name/documents/:id',
    operationId: 'deleteDocument',
    summary: 'Delete a document and its chunks',
    tag: 'documents',
    scope: 'write',
    params: documentParams,
    responses: { 204: { description: 'Deleted' } },
    problems: {
      collection_not_found: 'no collection has this name',
      document_not_found: 'the collection has no document with this id',
    },
    async handler({ params }, deps) {
      await deleteDocument(deps, params.name, params.id);
      return { status: 204 };
    },
  }),
];
