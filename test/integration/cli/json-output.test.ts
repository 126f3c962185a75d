import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidb-json-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--json output', () => {
  it('keys create: {name, scope, key, entry}, the entry hashing the key', async () => {
    const { code, stdout } = await runCli([
      'keys',
      'create',
      '--name',
      'ci',
      '--scope',
      'write',
      '--json',
    ]);
    expect(code).toBe(0);
    const created = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(created)).toEqual(['name', 'scope', 'key', 'entry']);
    const hash = createHash('sha256')
      .update(created.key ?? '')
      .digest('hex');
    expect(created).toMatchObject({ name: 'ci', scope: 'write', entry: `ci:write:sha256:${hash}` });
  });

  it('generate: {out, files, removed, unconfigured_receivers}, and nothing else on stdout', async () => {
    const out = join(dir, 'out');
    const { code, stdout } = await runCli(['generate', '--out', out, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { out: string; files: string[]; removed: string[] };
    expect(Object.keys(result)).toEqual(['out', 'files', 'removed', 'unconfigured_receivers']);
    expect(result).toMatchObject({
      out,
      removed: [],
      unconfigured_receivers: ['page', 'ticket', 'deadmansswitch'],
    });
    expect(result.files).toContain('alertmanager/alertmanager.yml');
  });
});
