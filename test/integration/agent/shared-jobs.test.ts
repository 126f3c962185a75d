import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../agent/jobs/job.ts';
import { migrate } from '../../../service/store/migrate.ts';
import { startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';
import { startTestAgent, type TestAgent } from './harness.ts';

/**
 * Agents beside several replicas share the service's database. A shared job (gc) runs once per
 * schedule across all of them; a job that acts on its own host runs on each.
 */
describe('shared jobs across agents on one database', () => {
  let postgres: PostgresServer;
  let url: string;
  const agents: TestAgent[] = [];
  beforeAll(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase('claims');
    const pool = new pg.Pool({ connectionString: url });
    await migrate(pool);
    await pool.end();
  });
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await postgres.close();
  });

  it('three agents run a shared job once per scheduled second, and a local job on each', async () => {
    const shared: string[] = [];
    const local: string[] = [];
    const jobs = (agent: number): Job[] => [
      {
        name: 'gc',
        schedule: '* * * * * *',
        shared: true,
        run: () => {
          shared.push(String(agent));
          return Promise.resolve();
        },
      },
      {
        name: 'certificates',
        schedule: '* * * * * *',
        run: () => {
          local.push(String(agent));
          return Promise.resolve();
        },
      },
    ];
    for (const agent of [1, 2, 3])
      agents.push(
        await startTestAgent(
          { profile: 'external', agent: { defaultTargets: false } },
          { env: { DATABASE_URL: url }, jobs: jobs(agent) },
        ),
      );
    await waitFor('every agent to run its local job a few times', () =>
      [1, 2, 3].every((agent) => local.filter((a) => a === String(agent)).length >= 3),
    );
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ slots: string }>(
      "SELECT count(*) AS slots FROM aidb_job_claims WHERE job = 'gc'",
    );
    await client.end();
    // One run per claimed slot, however many agents fired for it.
    expect(shared.length).toBe(Number(rows[0]?.slots));
    expect(shared.length).toBeGreaterThanOrEqual(2);
  });
});
