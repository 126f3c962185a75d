import { gcBody, gcResponse } from '../api/admin.ts';
import { collectGarbage } from '../knowledge/gc.ts';
import { ProblemError } from '../http/problems.ts';
import { defineRoute } from '../http/route.ts';

export const adminRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/admin/snapshot',
    operationId: 'snapshot',
    summary: "A consistent tar of the embedded database, for the agent's backups",
    tag: 'admin',
    scope: 'admin',
    responses: {
      200: {
        description:
          'A tar of the database directory; row counts in the x-aidb-row-counts header (JSON)',
        contentType: 'application/x-tar',
      },
    },
    problems: {
      snapshot_unavailable: 'the service runs on an external PostgreSQL: back it up with pg_dump',
    },
    async handler(_input, deps) {
      if (deps.db.snapshot === undefined) {
        throw new ProblemError(
          'snapshot_unavailable',
          'the service runs on an external PostgreSQL; back it up with pg_dump',
        );
      }
      const { tar, rowCounts } = await deps.db.snapshot();
      return {
        status: 200,
        body: Buffer.from(await tar.arrayBuffer()),
        headers: {
          'content-type': 'application/x-tar',
          'x-aidb-row-counts': JSON.stringify(rowCounts),
        },
      };
    },
  }),
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
