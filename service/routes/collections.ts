import {
  collection,
  collectionList,
  collectionParams,
  putCollectionBody,
} from '../api/collections.ts';
import {
  deleteCollection,
  listCollections,
  putCollection,
  requireCollection,
  toCollection,
} from '../knowledge/collections.ts';
import { defineRoute } from '../http/route.ts';

export const collectionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/collections',
    operationId: 'listCollections',
    summary: 'List collections with their document counts',
    tag: 'collections',
    scope: 'read',
    responses: { 200: { description: 'All collections, by name', schema: collectionList } },
    async handler(_input, deps) {
      return { status: 200, body: { collections: await listCollections(deps) } };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/collections/:name',
    operationId: 'putCollection',
    summary: 'Create a collection, or update its description and TTL',
    tag: 'collections',
    scope: 'write',
    params: collectionParams,
    body: putCollectionBody,
    responses: {
      200: { description: 'Updated', schema: collection },
      201: { description: 'Created', schema: collection },
    },
    problems: { dimension_immutable: 'the collection exists with another dimension' },
    async handler({ params, body }, deps) {
      const { collection: result, created } = await putCollection(deps, params.name, body);
      return { status: created ? 201 : 200, body: result };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/collections/:name',
    operationId: 'getCollection',
    summary: 'A collection with its document count and the vector index serving it',
    tag: 'collections',
    scope: 'read',
    params: collectionParams,
    responses: { 200: { description: 'The collection', schema: collection } },
    problems: { collection_not_found: 'no collection has this name' },
    async handler({ params }, deps) {
      return {
        status: 200,
        body: await toCollection(await requireCollection(deps, params.name), deps),
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/collections/:name',
    operationId: 'deleteCollection',
    summary: 'Delete a collection with all its documents',
    tag: 'collections',
    scope: 'write',
    params: collectionParams,
    responses: { 204: { description: 'Deleted' } },
    problems: { collection_not_found: 'no collection has this name' },
    async handler({ params }, deps) {
      await deleteCollection(deps, params.name);
      return { status: 204 };
    },
  }),
];
