import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { GrafanaDashboard } from '../grafana-json.ts';
import { maxUidLength } from '../../config/generation.ts';
import { gridColumns } from '../layout.ts';
import { knownSeries, type KnownSeries } from './known-series.ts';
import { queryProblems } from './query.ts';

/**
 * Static checks of generated dashboards, after Grafana's dashboard-linter rules and the
 * monitoring-mixins conventions, and more. Each check has a fixture that must fail it.
 */
export const checkIds = [
  'schema-version',
  'panel-type',
  'unique-uid',
  'uid-length',
  'unique-title',
  'unique-panel-id',
  'unique-ref-id',
  'unique-query',
  'grid',
  'panel-title',
  'panel-description',
  'panel-unit',
  'panel-query',
  'legend-visible',
  'datasource',
  'query-parse',
  'catalog-metric',
  'catalog-label',
  'counter-rate',
  'histogram-le',
  'rate-interval',
  'job-instance',
  'variable-defined',
  'variable-used',
] as const;
export type CheckId = (typeof checkIds)[number];

export interface Problem {
  readonly check: CheckId;
  readonly dashboard: string;
  readonly message: string;
}

/** The schemaVersion the pinned foundation SDK (0.0.21) writes and Grafana 12 reads. */
export const schemaVersion = 42;

/** Panel types Grafana 12 ships as React panels; `graph`, `singlestat` … were removed. */
export const modernPanelTypes = ['timeseries', 'stat', 'state-timeline', 'bargauge', 'row'];

const builtinVariables = ['__rate_interval', '__interval', '__range', '__all'];

type Panel = dashboard.Panel | dashboard.RowPanel;

function variablesIn(text: string): string[] {
  return [...text.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1] ?? '');
}

function overlaps(a: dashboard.GridPos, b: dashboard.GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function panelChecks(
  board: GrafanaDashboard,
  known: ReadonlyMap<string, KnownSeries>,
): Omit<Problem, 'dashboard'>[] {
  const problems: Omit<Problem, 'dashboard'>[] = [];
  const panels: Panel[] = board.panels ?? [];
  const ids = new Set<number>();
  // A second panel with the same query shows the same line again and costs Prometheus twice.
  const queries = new Map<string, string>();
  panels.forEach((panel, i) => {
    const name = `panel ${String(panel.id ?? '?')} "${panel.title ?? ''}"`;
    if (!modernPanelTypes.includes(panel.type))
      problems.push({ check: 'panel-type', message: `${name} has legacy type ${panel.type}` });
    if (panel.id === undefined || ids.has(panel.id))
      problems.push({ check: 'unique-panel-id', message: `${name} has a missing or repeated id` });
    if (panel.id !== undefined) ids.add(panel.id);
    const pos = panel.gridPos;
    if (pos === undefined || pos.x < 0 || pos.w < 1 || pos.x + pos.w > gridColumns || pos.h < 1) {
      problems.push({ check: 'grid', message: `${name} lies outside the 24-column grid` });
    } else {
      for (const other of panels.slice(0, i)) {
        if (other.gridPos !== undefined && overlaps(pos, other.gridPos)) {
          problems.push({
            check: 'grid',
            message: `${name} overlaps panel ${String(other.id ?? '?')}`,
          });
        }
      }
    }
    if (panel.title === undefined || panel.title.trim() === '')
      problems.push({ check: 'panel-title', message: `${name} has no title` });
    if (panel.type === 'row') return;
    const p = panel as dashboard.Panel;
    if ((p.description ?? '').trim() === '')
      problems.push({ check: 'panel-description', message: `${name} has no description` });
    if ((p.fieldConfig?.defaults.unit ?? '') === '')
      problems.push({ check: 'panel-unit', message: `${name} has no unit` });
    const targets = (p.targets ?? []) as {
      refId?: string;
      expr?: string;
      datasource?: { uid?: string };
    }[];
    if (targets.length === 0)
      problems.push({ check: 'panel-query', message: `${name} has no query` });
    const options = p.options as { legend?: { showLegend?: boolean } } | undefined;
    if (options?.legend !== undefined && options.legend.showLegend !== true)
      problems.push({ check: 'legend-visible', message: `${name} hides its legend` });
    if (p.datasource?.uid !== '${datasource}')
      problems.push({
        check: 'datasource',
        message: `${name} does not use the datasource variable`,
      });
    const refIds = new Set<string>();
    for (const target of targets) {
      if (target.refId === undefined || refIds.has(target.refId))
        problems.push({
          check: 'unique-ref-id',
          message: `${name} has a missing or repeated refId`,
        });
      if (target.refId !== undefined) refIds.add(target.refId);
      const expr = (target.expr ?? '').replace(/\s+/g, ' ').trim();
      const owner = queries.get(expr);
      if (expr !== '' && owner !== undefined && owner !== name)
        problems.push({
          check: 'unique-query',
          message: `${name} query ${target.refId ?? '?'} repeats a query of ${owner}`,
        });
      if (expr !== '' && owner === undefined) queries.set(expr, name);
      if (target.datasource?.uid !== '${datasource}')
        problems.push({
          check: 'datasource',
          message: `${name} query ${target.refId ?? '?'} does not use the datasource variable`,
        });
      for (const problem of queryProblems(target.expr ?? '', known)) {
        problems.push({
          check: problem.check as CheckId,
          message: `${name} query ${target.refId ?? '?'}: ${problem.message}`,
        });
      }
    }
  });
  return problems;
}

function variableChecks(board: GrafanaDashboard): Omit<Problem, 'dashboard'>[] {
  const defined = (board.templating.list ?? []).map((v) => v.name);
  const texts = [
    ...(board.panels ?? []).flatMap((p) => [JSON.stringify(p)]),
    ...(board.templating.list ?? []).map((v) =>
      JSON.stringify({ query: v.query, datasource: v.datasource }),
    ),
    ...(board.annotations.list ?? []).map((a) => JSON.stringify(a)),
  ];
  const used = new Set(texts.flatMap(variablesIn));
  const problems: Omit<Problem, 'dashboard'>[] = [];
  for (const name of used) {
    if (!defined.includes(name) && !builtinVariables.includes(name))
      problems.push({ check: 'variable-defined', message: `$${name} is used but not defined` });
  }
  for (const name of defined) {
    if (!used.has(name))
      problems.push({ check: 'variable-used', message: `$${name} is defined but never used` });
  }
  return problems;
}

/** Every problem of a set of dashboards; empty when they pass. */
export function lintDashboards(boards: readonly GrafanaDashboard[]): Problem[] {
  const known = knownSeries();
  const problems: Problem[] = [];
  const uids = new Set<string>();
  const titles = new Set<string>();
  for (const board of boards) {
    const name = board.uid ?? board.title ?? '?';
    const add = (p: Omit<Problem, 'dashboard'>) => problems.push({ ...p, dashboard: name });
    if (board.schemaVersion !== schemaVersion)
      add({
        check: 'schema-version',
        message: `schemaVersion ${String(board.schemaVersion)}, not ${String(schemaVersion)}`,
      });
    if (board.uid === undefined || uids.has(board.uid))
      add({ check: 'unique-uid', message: 'uid missing or used twice' });
    if (board.uid !== undefined && board.uid.length > maxUidLength)
      add({ check: 'uid-length', message: `uid longer than ${String(maxUidLength)}` });
    if (board.uid !== undefined) uids.add(board.uid);
    if (board.title === undefined || titles.has(board.title))
      add({ check: 'unique-title', message: 'title missing or used twice' });
    if (board.title !== undefined) titles.add(board.title);
    for (const problem of [...panelChecks(board, known), ...variableChecks(board)]) add(problem);
  }
  return problems;
}
