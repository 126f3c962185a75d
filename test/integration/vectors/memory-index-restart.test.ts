import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AidbProcess } from '../../support/aidb-process.ts';
import { call, startServe } from '../../support/serve-process.ts';
import { waitFor } from '../../support/wait.ts';

/**
 * The embedded profile's in-process index across restarts, through a real `aidb serve`: its saved
 * copy is used only when it matches the database, and a crash never loses an acknowledged write.
 */

// Each document carries a long word no other has, and a search for that word must return it.
// Among its top 10, not first: the built-in embedder hashes character trigrams into 384
// dimensions, so another document can outscore it (d152 is second for its own word, behind
// d22); over ids 0–999 no document ranks below third for its own word.
const word = (n: number): string =>
  createHash('sha256').update(String(n)).digest('hex').replace(/\d/g, '').slice(0, 14);
const doc = (n: number) => ({ id: `d${n}`, content: `${word(n)} shared words of every note` });

let dataDir: string;
let service: AidbProcess | undefined;

async function start(): Promise<AidbProcess> {
  // One search per acknowledged document: far more than the default search budget.
  service = await startServe({
    AIDB_DATA_DIR: dataDir,
    AIDB_RATE_LIMIT_SEARCH_PER_MINUTE: '100000',
  });
  const url = service.url;
  await waitFor('ready', async () => (await fetch(`${url}/health/ready`)).ok, {
    timeoutMs: 60_000,
  });
  return service;
}

async function ingest(proc: AidbProcess, from: number, count: number): Promise<void> {
  const documents = Array.from({ length: count }, (_, i) => doc(from + i));
  const answer = await call(proc.url, 'POST', '/v1/collections/notes/documents', { documents });
  expect(answer.status).toBe(200);
}

/** Every document in `ids` is among the top hits for its own word. */
async function expectFound(proc: AidbProcess, ids: Iterable<number>): Promise<void> {
  const missing: number[] = [];
  for (const n of ids) {
    const answer = await call(proc.url, 'POST', '/v1/collections/notes/search', {
      query: word(n),
      limit: 10,
    });
    expect(answer.status).toBe(200);
    const hits: { document_id?: string }[] = answer.body?.results ?? [];
    if (!hits.some((hit) => hit.document_id === `d${n}`)) missing.push(n);
  }
  // Whether the store lost them or only the index: GET reads the store.
  const stored = [];
  for (const n of missing)
    stored.push((await call(proc.url, 'GET', `/v1/collections/notes/documents/d${n}`)).status);
  expect({ missing, stored }).toEqual({ missing: [], stored: [] });
}

describe('the embedded vector index across restarts', () => {
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('saves itself at shutdown, and ignores a saved copy that is stale or corrupt', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aidb-memory-index-'));
    const snapshot = join(dataDir, 'vector-index.bin');
    let proc = await start();
    expect((await call(proc.url, 'PUT', '/v1/collections/notes', {})).status).toBe(201);
    await ingest(proc, 0, 20);
    await proc.stop();
    expect((await stat(snapshot)).size).toBeGreaterThan(0);
    await copyFile(snapshot, `${snapshot}.old`);

    // Writes after the saved copy: a restart from the old copy would not know them.
    proc = await start();
    await expectFound(proc, [0, 19]);
    await ingest(proc, 20, 20);
    expect((await call(proc.url, 'DELETE', '/v1/collections/notes/documents/d0')).status).toBe(204);
    await proc.stop();
    await copyFile(`${snapshot}.old`, snapshot);
    proc = await start();
    await expectFound(proc, [1, 20, 39]);
    const gone = await call(proc.url, 'POST', '/v1/collections/notes/search', {
      query: word(0),
      limit: 5,
    });
    expect(gone.body.results.map((r: { document_id: string }) => r.document_id)).not.toContain(
      'd0',
    );
    await proc.stop();

    // One flipped byte in the saved copy.
    const bytes = await readFile(snapshot);
    const middle = bytes.length >> 1;
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    await writeFile(snapshot, bytes);
    proc = await start();
    await expectFound(proc, [1, 20, 39]);
  });

  it('finds every acknowledged document after a SIGKILL during ingest', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aidb-memory-index-'));
    let proc = await start();
    expect((await call(proc.url, 'PUT', '/v1/collections/notes', {})).status).toBe(201);
    // A clean stop first, so a saved copy exists that the crash leaves stale.
    await ingest(proc, 0, 10);
    await proc.stop();
    proc = await start();
    const acknowledged = new Set<number>(Array.from({ length: 10 }, (_, i) => i));
    let next = 10;
    const writer = async (): Promise<void> => {
      for (;;) {
        const from = next;
        next += 10;
        try {
          await ingest(proc, from, 10);
        } catch {
          return; // the kill interrupted this batch: it was never acknowledged
        }
        for (let i = from; i < from + 10; i++) acknowledged.add(i);
      }
    };
    const writers = [writer(), writer()];
    await waitFor('a few acknowledged batches', () => acknowledged.size >= 60, {
      timeoutMs: 30_000,
    });
    // Mid-batch, most likely: a batch takes tens of milliseconds.
    await sleep(Math.random() * 200);
    await proc.kill();
    await Promise.all(writers);
    proc = await start();
    await expectFound(proc, acknowledged);
  });
});
