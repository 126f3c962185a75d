import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import type { PostgresServer } from '../../support/postgres.ts';

interface Claim {
  readonly file: string;
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
  readonly systemIdentifier: string;
}

const claims = join(process.env.AIDB_TEST_RUN_DIR ?? '/tmp', 'postgres-claims');

/**
 * Records which cluster a test file got, and checks that no other test file of this run got the
 * same one: each file's helper call must create a cluster of its own.
 */
export async function claimAndCheck(file: string, server: PostgresServer): Promise<Claim[]> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  const { rows } = await client.query<{ id: string }>(
    'SELECT system_identifier::text AS id FROM pg_control_system()',
  );
  await client.end();
  const mine: Claim = {
    file,
    pid: process.pid,
    port: server.port,
    dataDir: server.dataDir,
    systemIdentifier: rows[0]?.id ?? '',
  };
  await mkdir(claims, { recursive: true });
  await writeFile(join(claims, `${file}.json`), JSON.stringify(mine));
  const others: Claim[] = [];
  for (const entry of await readdir(claims)) {
    const claim = JSON.parse(await readFile(join(claims, entry), 'utf8')) as Claim;
    if (claim.file !== file) others.push(claim);
  }
  for (const other of others) {
    expect(other.systemIdentifier).not.toBe(mine.systemIdentifier);
    expect(other.dataDir).not.toBe(mine.dataDir);
  }
  return others;
}
