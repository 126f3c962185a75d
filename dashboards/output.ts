import { dump } from 'js-yaml';
import { generationContext } from '../config/generation.ts';
import type { Config } from '../config/schema.ts';
import type { PanelRef } from '../alerts/dashboard-panel.ts';
import { generatedBy, markdownFile, yamlFile, type GeneratedFile } from '../lib/generated-files.ts';
import { dashboardSpecs } from './all.ts';
import { buildDashboard } from './build.ts';
import { dashboardUid } from '../config/generation.ts';
import { lintDashboards } from './lint/checks.ts';
import { dashboardsReadme } from './readme.ts';

/** Grafana's file provider (provisioning/dashboards/*.yaml, apiVersion 1). */
export function provisioning(config: Config) {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'aidb',
        folder: 'aidb',
        type: 'file',
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: config.generate.dashboardsPath, foldersFromFilesStructure: false },
      },
    ],
  };
}

/**
 * The dashboards as Grafana JSON, the provisioning file and the README. Dashboards that fail a
 * check (dashboards/lint) are refused rather than written: a query nobody emits, two panels
 * running one query, a legacy panel type…
 */
export function dashboardFiles(config: Config): GeneratedFile[] {
  const specs = dashboardSpecs(generationContext(config));
  const boards = specs.map(buildDashboard);
  const problems = lintDashboards(boards);
  if (problems.length > 0) {
    const lines = problems.map((p) => `  - ${p.dashboard}: ${p.message} (${p.check})`);
    throw new RangeError(`dashboards: refusing to write dashboards:\n${lines.join('\n')}`);
  }
  return [
    ...specs.map((spec, i) => {
      // JSON holds no comment: the marker that lets `aidb generate` own the file ends the
      // description, written as the first key.
      const { description, ...board } = boards[i] ?? {};
      const marked = { description: `${description ?? ''} ${generatedBy}`.trim(), ...board };
      return {
        path: `dashboards/${dashboardUid(spec.id)}.json`,
        content: `${JSON.stringify(marked, null, 2)}\n`,
      };
    }),
    markdownFile('dashboards/README.md', dashboardsReadme(specs)),
    yamlFile('provisioning/dashboards/aidb.yaml', dump(provisioning(config), { lineWidth: -1 })),
  ];
}

interface PanelJson {
  readonly id?: number;
  readonly title?: string;
  readonly targets?: readonly { readonly expr?: string }[];
  readonly panels?: readonly PanelJson[];
}

/** Every panel of the dashboards with its queries, for the runbooks to name. */
export function dashboardPanels(config: Config): PanelRef[] {
  return dashboardSpecs(generationContext(config)).flatMap((spec) => {
    const board = buildDashboard(spec) as { panels?: readonly PanelJson[] };
    const flat = (panels: readonly PanelJson[]): PanelJson[] =>
      panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);
    return flat(board.panels ?? []).flatMap((p) =>
      p.id === undefined || p.title === undefined
        ? []
        : [
            {
              dashboard: spec.id,
              id: p.id,
              title: p.title,
              exprs: (p.targets ?? []).flatMap((t) => (t.expr === undefined ? [] : [t.expr])),
            },
          ],
    );
  });
}
