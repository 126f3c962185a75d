import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { claimAndCheck } from './isolation.ts';

// isolation-a and isolation-b are the same test in two files: each must get its own cluster.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server.close();
});

it('this test file has a cluster no other test file shares', async () => {
  const others = await claimAndCheck('isolation-b', server);
  expect(others.every((other) => other.file !== 'isolation-b')).toBe(true);
});
