import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AidbClient } from '../../../client/index.ts';
import { clientFor } from '../../support/client.ts';
import { externalBackends, type ProfileBackends } from '../../support/profiles.ts';
import { startTestService, type TestService } from '../../support/service.ts';

const idArbitrary = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,11}$/);

/** Lists every page, running `between` after each page (the concurrent writer). */
async function listAll(
  client: AidbClient,
  collection: string,
  limit: number,
  between: () => Promise<void>,
): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listDocuments(collection, { limit, cursor });
    seen.push(...page.documents.map((d) => d.id));
    cursor = page.next_cursor ?? undefined;
    await between();
  } while (cursor !== undefined);
  return seen;
}

describe('keyset pagination under concurrent inserts (property)', () => {
  let backends: ProfileBackends;
  let service: TestService;
  let client: AidbClient;
  let run = 0;
  beforeAll(async () => {
    backends = await externalBackends();
    service = await startTestService({ env: await backends.env() });
    client = clientFor(service);
  });
  afterAll(async () => {
    await service.stop();
    await backends.close();
  });

  it('never returns a document twice and never skips one that existed before the listing began', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(idArbitrary, { minLength: 0, maxLength: 40 }),
        fc.array(fc.uniqueArray(idArbitrary, { maxLength: 6 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 7 }),
        async (initial, insertsPerPage, limit) => {
          run += 1;
          const collection = `page-${run}`;
          await client.putCollection(collection);
          for (let i = 0; i < initial.length; i += 100) {
            const batch = initial.slice(i, i + 100).map((id) => ({ id, content: `doc ${id}` }));
            await client.ingestDocuments(collection, { documents: batch });
          }
          let page = 0;
          const listed = await listAll(client, collection, limit, async () => {
            const ids = insertsPerPage[page++] ?? [];
            if (ids.length > 0) {
              const documents = ids.map((id) => ({ id, content: `concurrent ${id}` }));
              await client.ingestDocuments(collection, { documents });
            }
          });
          expect(new Set(listed).size).toBe(listed.length);
          for (const id of initial) expect(listed).toContain(id);
          await client.deleteCollection(collection);
        },
      ),
      { numRuns: 40 },
    );
  });
});
