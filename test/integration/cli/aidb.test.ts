import { generateX25519Identity } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';

const subcommands = ['up', 'serve', 'agent', 'generate', 'backup'];

describe('aidb command line', () => {
  it('lists every subcommand in --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const name of subcommands) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it.each(subcommands)('`aidb %s --help` describes the command and exits 0', async (name) => {
    const { code, stdout } = await runCli([name, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: aidb ${name}`);
  });

  it('rejects an unknown command with exit status 2', async () => {
    const { code, stderr } = await runCli(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown command 'frobnicate'");
  });

  it('rejects an unknown option of a subcommand with exit status 2', async () => {
    const { code, stderr } = await runCli(['serve', '--turbo']);
    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown option '--turbo'");
    expect(stderr).toContain('--help');
  });

  it('rejects a missing required option with exit status 2', async () => {
    const { code, stderr } = await runCli(['generate']);
    expect(code).toBe(2);
    expect(stderr).toContain("required option '-o, --out <dir>' not specified");
  });

  it('stops on invalid configuration with exit status 78, one line per problem, no secret', async () => {
    const { code, stderr } = await runCli(['serve'], {
      AIDB_PORT: 'http',
      AIDB_PROFILE: 'external',
      REDIS_PASSWORD: 'ShouldNotLeak',
      REDIS_PASSWORD_FILE: '/dev/null',
    });
    expect(code).toBe(78);
    expect(stderr).toContain('invalid configuration (3 problems)');
    expect(stderr).toContain(
      '  - service.port: expected a number, got "http" (from env AIDB_PORT)',
    );
    expect(stderr).toContain(
      '  - database.url: required when profile is external (not set; env DATABASE_URL)',
    );
    expect(stderr).toContain(
      '  - redis.password: set REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both',
    );
    expect(stderr).not.toContain('ShouldNotLeak');
  });

  it.each([
    ['AIDB_BACKUP_SCHEDULE', 'backups.schedule'],
    ['AIDB_BACKUP_VERIFY_SCHEDULE', 'backups.verifySchedule'],
    ['AIDB_BACKUP_PRUNE_SCHEDULE', 'backups.pruneSchedule'],
    ['AIDB_AGENT_GC_SCHEDULE', 'agent.jobs.gc.schedule'],
  ])(
    '`aidb agent` refuses %s="every day" at load: exit 78, one line naming the setting, no stack',
    async (env, path) => {
      const { code, stderr } = await runCli(['agent'], {
        [env]: 'every day',
        // With an identity the backup jobs are on: the old agent died of croner's TypeError.
        AIDB_BACKUP_IDENTITY: await generateX25519Identity(),
        AIDB_DATA_DIR: '/nonexistent/aidb-never-created',
      });
      expect(code).toBe(78);
      const problems = stderr.split('\n').filter((line) => line.startsWith('  - '));
      expect(problems).toEqual([
        `  - ${path}: is not a valid cron expression (CronPattern: invalid configuration format ('every day'), exactly five, six, or seven space separated parts are required.) (from env ${env})`,
      ]);
      expect(stderr).not.toMatch(/TypeError|^ {4}at /m);
    },
  );
});
