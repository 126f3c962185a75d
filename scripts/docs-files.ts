import { format, resolveConfig } from 'prettier';
import { loadConfig } from '../config/load.ts';
import { withSettingsTable } from '../config/reference.ts';
import { version } from '../lib/version.ts';
import { buildOpenApi } from '../service/http/openapi.ts';
import { describedRoutes } from '../service/routes/described.ts';
import { renderApiReference, type OpenApiDocument } from './api-reference.ts';

/** A Markdown file of the repository formatted as Prettier would, so `npm run lint` agrees. */
async function formatted(relativePath: string, markdown: string): Promise<string> {
  const path = new URL(`../${relativePath}`, import.meta.url).pathname;
  const options = (await resolveConfig(path)) ?? {};
  return format(markdown, { ...options, filepath: path });
}

/** docs/api.md, from the OpenAPI document of the service on its default configuration. */
export async function renderApiDocs(): Promise<string> {
  const { config } = loadConfig({ env: {}, readFile: () => '' });
  const document = buildOpenApi(describedRoutes(config), version) as unknown as OpenApiDocument;
  return formatted('docs/api.md', renderApiReference(document));
}

/** docs/operations.md with its configuration reference brought up to date. */
export async function renderOperationsGuide(current: string): Promise<string> {
  return formatted('docs/operations.md', withSettingsTable(current));
}
