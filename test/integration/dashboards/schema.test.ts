import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardSpecs } from '../../../dashboards/all.ts';
import { buildDashboard } from '../../../dashboards/build.ts';
import { jobsOf, panelQueries } from '../../../dashboards/live.ts';
import { binaries, binaryPath } from '../../support/binaries.ts';
import { describeWith } from '../../support/not-checked.ts';
import { missingPath, sharedDir } from '../../support/shared.ts';

const run = promisify(execFile);

/**
 * Grafana's published dashboard JSON Schemas (schemaVersion 42) live in the team's shared folder
 * beside the repository (read-only); AIDB_GRAFANA_JSONSCHEMA_DIR points elsewhere if needed.
 */
const schemaDir = process.env.AIDB_GRAFANA_JSONSCHEMA_DIR ?? join(sharedDir, 'grafana-jsonschema');

const context = {
  serviceJob: 'aidb',
  agentJob: 'aidb-agent',
  backups: { staleAfterSeconds: 90_000, restoreVerifyStaleAfterSeconds: 608_400 },
};
const boards = dashboardSpecs(context).map(buildDashboard);

function schema(name: string): Record<string, unknown> {
  const path = join(schemaDir, `${name}.jsonschema.json`);
  if (!existsSync(path)) throw new Error(`test: Grafana JSON Schema ${path} is missing`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Panel kind → its schema file. */
const panelSchemas: Record<string, string> = {
  timeseries: 'timeseries',
  stat: 'stat',
  'state-timeline': 'statetimeline',
  bargauge: 'bargauge',
};

describeWith(
  missingPath(join(schemaDir, 'dashboard.jsonschema.json'), 'Grafana’s dashboard JSON Schema'),
  'generated dashboards against Grafana’s JSON Schemas',
  () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validator = (name: string, definition?: string) => {
      const root = schema(name);
      return ajv.compile(
        definition === undefined ? root : { ...root, $ref: `#/definitions/${definition}` },
      );
    };

    it.each(boards.map((b) => [b.uid ?? '', b] as const))(
      '%s is a valid dashboard',
      (_uid, board) => {
        const validate = validator('dashboard');
        expect(validate(board) ? [] : validate.errors).toEqual([]);
      },
    );

    it.each(boards.map((b) => [b.uid ?? '', b] as const))(
      'every panel of %s has valid options, field config and queries',
      (_uid, board) => {
        const errors: unknown[] = [];
        const query = validator('prometheus', 'Dataquery');
        for (const panel of (board.panels ?? []).filter(
          (p): p is dashboard.Panel => p.type !== 'row',
        )) {
          const kind = panelSchemas[panel.type];
          if (kind === undefined) throw new Error(`test: no schema for panel type ${panel.type}`);
          const options = validator(kind, 'Options');
          if (!options(panel.options ?? {}))
            errors.push({ panel: panel.title, options: options.errors });
          if (kind !== 'stat' && kind !== 'bargauge') {
            const custom = validator(kind, 'FieldConfig');
            if (!custom(panel.fieldConfig?.defaults.custom ?? {}))
              errors.push({ panel: panel.title, custom: custom.errors });
          }
          for (const target of panel.targets ?? []) {
            if (!query(target)) errors.push({ panel: panel.title, target: query.errors });
          }
        }
        expect(errors).toEqual([]);
      },
    );
  },
);

describe('every panel query, variables expanded', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aidb-panel-queries-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes promtool check rules as recording rules', async () => {
    const queries = panelQueries(dashboardSpecs(context), (spec) => ({
      job: jobsOf(spec, context),
    }));
    expect(queries.length).toBeGreaterThan(50);
    const file = join(dir, 'panels.yml');
    await writeFile(
      file,
      dump({
        groups: [
          {
            name: 'panel-queries',
            rules: queries.map((q, i) => ({
              record: `panel:query${String(i)}:check`,
              expr: q.expr,
            })),
          },
        ],
      }),
    );
    const { stdout } = await run(binaryPath(binaries.promtool), ['check', 'rules', file]);
    expect(stdout).toContain(`SUCCESS: ${String(queries.length)} rules found`);
  });
});
