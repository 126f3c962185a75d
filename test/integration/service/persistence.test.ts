import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalBackends, type ProfileBackends } from '../../support/profiles.ts';
import { clientFor } from '../../support/client.ts';
import { startTestService } from '../../support/service.ts';

async function writeAndRestart(env: Record<string, string>, dataDir: string): Promise<void> {
  const first = await startTestService({ env, dataDir });
  const writer = clientFor(first);
  await writer.putCollection('kept', { description: 'survives restarts' });
  const ingest = await writer.ingestDocuments('kept', {
    documents: [
      {
        id: 'note',
        title: 'Restart',
        content: 'Acknowledged writes survive a restart of the service.',
      },
    ],
  });
  expect(ingest.ids).toEqual(['note']);
  await first.stop();

  const second = await startTestService({ env, dataDir });
  const reader = clientFor(second);
  try {
    expect(await reader.getCollection('kept')).toMatchObject({
      description: 'survives restarts',
      document_count: 1,
    });
    const search = await reader.search('kept', { query: 'restart survive' });
    expect(search.results[0]).toMatchObject({ document_id: 'note', title: 'Restart' });
  } finally {
    await second.stop();
  }
}

describe('data survives a restart of the service', () => {
  let dataDir: string;
  let external: ProfileBackends;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aidb-restart-'));
    external = await externalBackends();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await external.close();
  });

  it('on the embedded profile (PGlite files in the data directory)', async () => {
    await writeAndRestart({}, dataDir);
  });

  it('on the external profile (PostgreSQL)', async () => {
    await writeAndRestart(await external.env(), dataDir);
  });
});
