import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeSettings } from '../../../config/describe.ts';
import { settingsTable, withSettingsTable } from '../../../config/reference.ts';
import { renderReadme } from '../../../scripts/readme.ts';

describe('configuration reference', () => {
  it('the README table matches the schema (run `npm run docs` after changing settings)', async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(await renderReadme(readme)).toBe(readme);
  });

  it('has one row per setting, and every environment variable is unique', () => {
    const settings = describeSettings();
    expect(settingsTable().split('\n')).toHaveLength(settings.length + 2);
    const envs = settings.flatMap((s) => (s.env === false ? [] : [s.env]));
    expect(new Set(envs).size).toBe(envs.length);
  });

  it('marks secrets and offers their _FILE variant', () => {
    expect(settingsTable()).toContain(
      '| `database.password` (secret) | `DATABASE_PASSWORD` or `DATABASE_PASSWORD_FILE` | — |',
    );
  });

  it('refuses a README without the table markers', () => {
    expect(() => withSettingsTable('# no table')).toThrow(
      'config: README has no settings table markers',
    );
  });
});
