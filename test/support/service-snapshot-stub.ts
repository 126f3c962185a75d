/**
 * A STUB of the service's `GET /v1/admin/snapshot` (the embedded profile's backup source), per
 * its contract: `Authorization: Bearer <admin key>` → `200 application/x-tar`, the body being
 * exactly PGlite's `dumpDataDir('none')`, and `x-aidb-row-counts` giving the rows of the same
 * moment. It serves a real dump of a real PGlite; `mode` makes it misbehave.
 */
import type { PGlite } from '@electric-sql/pglite';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rowCountsHeader, snapshotPath } from '../../backups/pglite/source.ts';

export type SnapshotStubMode = 'ok' | 'truncate' | 'garbage';

export interface ServiceSnapshotStub {
  readonly url: string;
  mode: SnapshotStubMode;
  close(): Promise<void>;
}

async function rowCounts(db: PGlite): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['collections', 'documents', 'chunks']) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = rows[0]?.n ?? 0;
  }
  return counts;
}

export async function startServiceSnapshotStub(
  db: PGlite,
  adminKey: string,
): Promise<ServiceSnapshotStub> {
  const server = createServer((request, response) => {
    void (async () => {
      if (request.url !== snapshotPath || request.method !== 'GET') {
        response.writeHead(404).end();
        return;
      }
      if (request.headers.authorization !== `Bearer ${adminKey}`) {
        response
          .writeHead(401, { 'content-type': 'application/problem+json' })
          .end('{"status":401}');
        return;
      }
      const counts = await rowCounts(db);
      let body = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
      if (stub.mode === 'garbage') body = Buffer.alloc(body.length, 0x41);
      response.writeHead(200, {
        'content-type': 'application/x-tar',
        'content-length': body.length,
        [rowCountsHeader]: JSON.stringify(counts),
      });
      if (stub.mode === 'truncate') {
        response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.destroy());
        return;
      }
      response.end(body);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stub: ServiceSnapshotStub = {
    url: `http://127.0.0.1:${port}`,
    mode: 'ok',
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
  return stub;
}
