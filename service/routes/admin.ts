import { gcBody, gcResponse } from '../api/admin.ts';
import { collectGarbage } from '../knowledge/gc.ts';
import { defineRoute } from './route.ts';

export const adminRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/admin/gc',
    operationId: 'collectGarbage',
    summary: 'Delete expired documents and orphaned vectors (dry run by default)',
    tag: 'admin',
    scope: 'admin',
    body: gcBody,
    responses: { 200: { description: 'What was (or would be) deleted', schema: gcResponse } },
    async handler({ body }, deps) {
      return { status: 200, body: await collectGarbage(deps, body.dry_run) };
    },
  }),
];
