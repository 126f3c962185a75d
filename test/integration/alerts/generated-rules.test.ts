import { execFile } from 'node:child_process';
import { readFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationContext } from '../../../config/generation.ts';
import { coverageProblems } from '../../../alerts/coverage.ts';
import { ruleFamilies } from '../../../alerts/families/index.ts';
import { watchdogName } from '../../../alerts/families/meta.ts';
import { alertFiles } from '../../../alerts/output.ts';
import type { PromtoolTestFile } from '../../../alerts/promtool-tests.ts';
import { alertsOf, recordingsOf } from '../../../alerts/rules-file.ts';
import { runbookSections } from '../../../alerts/runbooks.ts';
import { loadConfig } from '../../../config/load.ts';
import { writeGeneratedFiles } from '../../../lib/generated-files.ts';
import { binaries, binaryPath } from '../../support/binaries.ts';

const run = promisify(execFile);
const { config } = loadConfig({ env: {}, readFile: () => '' });
const families = ruleFamilies(generationContext(config));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidb-rules-'));
  await writeGeneratedFiles(dir, alertFiles(config));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(sub: string): Promise<string[]> {
  return (await readdir(join(dir, sub)))
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, sub, f));
}

describe('generated Prometheus rules', () => {
  it('pass promtool check rules with every lint fatal', async () => {
    const rules = await files('rules');
    expect(rules).toHaveLength(families.length);
    const { stdout } = await run(binaryPath(binaries.promtool), [
      'check',
      'rules',
      '--lint=all',
      '--lint-fatal',
      ...rules,
    ]);
    expect(stdout.match(/SUCCESS/g)).toHaveLength(families.length);
  });

  it('pass their generated promtool unit tests', async () => {
    const tests = await files('rules/tests');
    const { stdout } = await run(binaryPath(binaries.promtool), ['test', 'rules', ...tests], {
      cwd: join(dir, 'rules/tests'),
      timeout: 300_000,
    });
    expect(stdout.match(/SUCCESS/g)).toHaveLength(tests.length);
    expect(stdout).not.toContain('FAILED');
    // About 30 s on the shared two-core machine; the SLO windows dominate.
  }, 300_000);

  it('are covered: every alert fires and stays silent in a test, every recording rule has a value test', async () => {
    const parsed = await Promise.all(
      (await files('rules/tests')).map(
        async (f) => load(await readFile(f, 'utf8')) as PromtoolTestFile,
      ),
    );
    const alerts = families.flatMap(alertsOf).map((a) => a.name);
    const records = families.flatMap(recordingsOf).map((r) => r.series.name);
    expect(coverageProblems(alerts, records, parsed, [watchdogName])).toEqual([]);
  });

  it('have one runbook section per alert, and no section without an alert', async () => {
    for (const family of families) {
      const markdown = await readFile(join(dir, 'runbooks', `${family.id}.md`), 'utf8');
      expect(runbookSections(markdown)).toEqual(alertsOf(family).map((a) => a.name));
    }
  });
});

describe('generated Alertmanager configuration', () => {
  const file = () => join(dir, 'alertmanager/alertmanager.yml');

  it('passes amtool check-config', async () => {
    const { stdout } = await run(binaryPath(binaries.amtool), ['check-config', file()]);
    expect(stdout).toContain('SUCCESS');
    expect(stdout).toContain(' - 7 inhibit rules');
  });

  // The generated script calls `amtool` from PATH, as an operator would.
  const withAmtool = () => ({
    env: {
      ...process.env,
      PATH: `${dirname(binaryPath(binaries.amtool))}:${process.env.PATH ?? ''}`,
    },
  });

  it('routes each severity as its generated amtool cases expect', async () => {
    const { stdout } = await run('sh', [join(dir, 'alertmanager/route-tests.sh')], withAmtool());
    expect(stdout.split('\n').filter((l) => l !== '')).toEqual([
      'page',
      'ticket',
      'blackhole',
      'deadmansswitch',
    ]);
  });

  it('has amtool cases that fail on a routing that sends critical alerts elsewhere', async () => {
    const wrong = join(dir, 'alertmanager/alertmanager.yml');
    const original = await readFile(wrong, 'utf8');
    try {
      await writeFile(wrong, original.replace('receiver: page', 'receiver: ticket'));
      await expect(
        run('sh', [join(dir, 'alertmanager/route-tests.sh')], withAmtool()),
      ).rejects.toThrow();
    } finally {
      await writeFile(wrong, original);
    }
  });

  it('passes amtool check-config with every kind of receiver configured, secrets by file', async () => {
    const out = await mkdtemp(join(tmpdir(), 'aidb-receivers-'));
    try {
      const { config } = loadConfig({
        env: {
          AIDB_ALERT_PAGE_WEBHOOK_URL: 'https://hooks.example.com/aidb',
          AIDB_ALERT_PAGE_WEBHOOK_TOKEN_FILE: '/etc/alertmanager/secrets/hook-token',
          AIDB_ALERT_PAGE_PAGERDUTY_ROUTING_KEY_FILE: '/etc/alertmanager/secrets/pagerduty-key',
          AIDB_ALERT_TICKET_EMAIL_TO: 'oncall@example.com',
          AIDB_ALERT_TICKET_SLACK_API_URL_FILE: '/etc/alertmanager/secrets/slack-url',
          AIDB_ALERT_TICKET_SLACK_CHANNEL: '#aidb',
          AIDB_ALERT_SMTP_SMARTHOST: 'smtp.example.com:587',
          AIDB_ALERT_SMTP_FROM: 'aidb@example.com',
          AIDB_ALERT_SMTP_USERNAME: 'aidb',
          AIDB_ALERT_SMTP_PASSWORD_FILE: '/etc/alertmanager/secrets/smtp-password',
          AIDB_ALERT_DEADMANSSWITCH_WEBHOOK_URL: 'https://deadman.example.com/ping',
        },
        readFile: () => '',
      });
      await writeGeneratedFiles(out, alertFiles(config));
      const file = join(out, 'alertmanager/alertmanager.yml');
      const { stdout } = await run(binaryPath(binaries.amtool), ['check-config', file]);
      expect(stdout).toContain('SUCCESS');
      expect(stdout).toContain(' - global config');
      const parsed = load(await readFile(file, 'utf8')) as { receivers: { name: string }[] };
      expect(parsed.receivers.map((r) => Object.keys(r).sort())).toEqual([
        ['name', 'pagerduty_configs', 'webhook_configs'],
        ['email_configs', 'name', 'slack_configs'],
        ['name', 'webhook_configs'],
        ['name'],
      ]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it.each([
    ['severity=critical', 'page'],
    ['severity=warning', 'ticket'],
    ['severity=info', 'blackhole'],
    [`alertname=${watchdogName} severity=info`, 'deadmansswitch'],
  ])('routes %s to %s', async (labels, receiver) => {
    const { stdout } = await run(binaryPath(binaries.amtool), [
      'config',
      'routes',
      'test',
      `--config.file=${file()}`,
      ...labels.split(' '),
    ]);
    expect(stdout.trim()).toBe(receiver);
  });
});

describe('rules generated for a short test schedule (as the live test configures it)', () => {
  it('still pass their backup tests', async () => {
    const short = loadConfig({
      env: { AIDB_BACKUP_SCHEDULE: '*/5 * * * *', AIDB_BACKUP_STALE_GRACE_SECONDS: '60' },
      readFile: () => '',
    }).config;
    const out = await mkdtemp(join(tmpdir(), 'aidb-rules-short-'));
    try {
      await writeGeneratedFiles(out, alertFiles(short));
      const tests = (await readdir(join(out, 'rules/tests'))).filter((f) =>
        f.startsWith('backups'),
      );
      const { stdout } = await run(binaryPath(binaries.promtool), ['test', 'rules', ...tests], {
        cwd: join(out, 'rules/tests'),
      });
      expect(stdout.match(/SUCCESS/g)).toHaveLength(tests.length);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
