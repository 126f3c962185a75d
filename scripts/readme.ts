import { format, resolveConfig } from 'prettier';
import { withSettingsTable } from '../config/reference.ts';

/** The README with its generated parts brought up to date, formatted as Prettier would. */
export async function renderReadme(readme: string): Promise<string> {
  const path = new URL('../README.md', import.meta.url).pathname;
  const options = (await resolveConfig(path)) ?? {};
  return format(withSettingsTable(readme), { ...options, filepath: path });
}
