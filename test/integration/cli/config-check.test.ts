import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';

let dir: string;
let file: string;
const env = () => ({
  AIDB_CONFIG: file,
  AIDB_PROFILE: 'external',
  DATABASE_URL: 'postgres://aidb:UrlSecret@db.example:5432/aidb',
  REDIS_PASSWORD: 'RedisSecret',
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidb-config-check-'));
  file = join(dir, 'aidb.yaml');
  await writeFile(file, 'service.port: 8092\nlogLevel: warn\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('aidb config check', () => {
  it('prints every setting in effect with its source, secrets redacted, and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['config', 'check'], env());
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    const line = (path: string) => lines.find((l) => l.startsWith(`${path} `))?.replace(/ +/g, ' ');
    expect(line('service.port')).toBe(`service.port = 8092 (file ${file})`);
    expect(line('profile')).toBe('profile = "external" (env AIDB_PROFILE)');
    expect(line('service.host')).toBe('service.host = "127.0.0.1" (default)');
    expect(line('redis.password')).toBe('redis.password = (redacted) (env REDIS_PASSWORD)');
    expect(line('database.url')).toBe('database.url = (redacted) (env DATABASE_URL)');
    expect(stdout).not.toMatch(/RedisSecret|UrlSecret/);
    expect(lines.at(-2)).toBe('configuration is valid');
  });

  it('prints a stable JSON shape with --json', async () => {
    const { code, stdout } = await runCli(['config', 'check', '--json'], env());
    expect(code).toBe(0);
    const settings = JSON.parse(stdout) as { path: string; value: unknown; source: string }[];
    for (const s of settings) expect(Object.keys(s)).toEqual(['path', 'value', 'source']);
    expect(settings.find((s) => s.path === 'logLevel')).toEqual({
      path: 'logLevel',
      value: 'warn',
      source: `file ${file}`,
    });
    expect(stdout).not.toMatch(/RedisSecret|UrlSecret/);
  });

  it('exits 78 naming each problem and where it came from', async () => {
    const { code, stdout, stderr } = await runCli(['config', 'check'], {
      ...env(),
      AIDB_PORT: 'http',
    });
    expect({ code, stdout }).toEqual({ code: 78, stdout: '' });
    expect(stderr).toContain('service.port: expected a number, got "http" (from env AIDB_PORT)');
  });
});
