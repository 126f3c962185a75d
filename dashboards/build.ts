import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { GrafanaDashboard } from './grafana-json.ts';
import { alerts } from '../catalog/metrics/monitoring.ts';
import { processStartTime } from '../catalog/metrics/runtime.ts';
import {
  anyJob,
  changes,
  dashboardJobScope,
  dashboardScope,
  gt,
  grafanaInterval,
  selectors,
  sum,
  type Expr,
} from '../lib/promql/index.ts';
import { dashboardTitles, dashboardUid } from '../config/generation.ts';
import { layout } from './layout.ts';
import { buildPanel, datasourceRef } from './panel.ts';
import type { DashboardSpec } from './spec.ts';

/** Every aidb dashboard carries this tag; the dashboards link lists them by it. */
export const aidbTag = 'aidb';

function labelValues(from: Expr, label: string): string {
  return `label_values(${from.text}, ${label})`;
}

function queryVariable(name: string, label: string, from: Expr, valuesOf: string) {
  const query = labelValues(from, valuesOf);
  return (
    new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(datasourceRef)
      .query(query)
      .definition(query)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      // All means any value, including ones that appear after the dashboard loaded.
      .allValue('.+')
      .current({ text: 'All', value: '$__all' })
  );
}

/** Deploys: a process start-time change marks a restart of the service or the agent. */
export function deployAnnotation(): Expr {
  const starts = changes(selectors(dashboardScope).gauge(processStartTime), grafanaInterval);
  return gt(sum(['job', 'instance'], starts), 0);
}

/** Alerts of the selected jobs while they fire (Prometheus's own `ALERTS` series). */
export function alertAnnotation(): Expr {
  return sum(
    ['alertname', 'severity'],
    selectors(dashboardJobScope).gauge(alerts, { alertstate: 'firing' }),
  );
}

function annotations(): dashboard.AnnotationQueryBuilder[] {
  const prometheus = (name: string, expr: Expr, color: string) =>
    new dashboard.AnnotationQueryBuilder()
      .name(name)
      .datasource(datasourceRef)
      .enable(true)
      .iconColor(color)
      .expr(expr.text);
  return [
    prometheus('Deploys (process start)', deployAnnotation(), 'blue').titleFormat(
      '{{job}} {{instance}} started',
    ),
    prometheus('Firing alerts', alertAnnotation(), 'red')
      .titleFormat('{{alertname}}')
      .tagKeys('severity'),
  ];
}

function links(spec: DashboardSpec): dashboard.DashboardLinkBuilder[] {
  const overview = new dashboard.DashboardLinkBuilder('Service overview')
    .type(dashboard.DashboardLinkType.Link)
    .url(`/d/${dashboardUid('service-overview')}`)
    .icon('dashboard')
    .tooltip('Back to the aidb service overview')
    .includeVars(true)
    .keepTime(true);
  const all = new dashboard.DashboardLinkBuilder('aidb dashboards')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags([aidbTag])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true);
  return spec.id === 'service-overview' ? [all] : [overview, all];
}

/** Grafana's plain dashboard JSON (schemaVersion 42) for one spec. */
export function buildDashboard(spec: DashboardSpec): GrafanaDashboard {
  const uid = dashboardUid(spec.id);
  // The SDK marks its v1 builder deprecated in favour of the v2 resource format; file
  // provisioning and import still take the v1 JSON, which is what this writes.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const builder = new dashboard.DashboardBuilder(dashboardTitles[spec.id])
    .uid(uid)
    .description(spec.description)
    .tags([aidbTag, ...spec.tags])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withVariable(
      new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'),
    )
    .withVariable(queryVariable('job', 'Job', selectors(anyJob).series(spec.jobsFrom), 'job'))
    .withVariable(
      queryVariable(
        'instance',
        'Instance',
        selectors(dashboardJobScope).series(spec.jobsFrom),
        'instance',
      ),
    );
  for (const extra of spec.variables ?? []) {
    builder.withVariable(queryVariable(extra.name, extra.label, extra.from, extra.valuesOf));
  }
  for (const annotation of annotations()) builder.annotation(annotation);
  for (const link of links(spec)) builder.link(link);
  for (const item of layout(spec.rows)) {
    if (item.row !== undefined) {
      const row = new dashboard.RowBuilder(item.row.title)
        .id(item.id)
        .collapsed(false)
        .gridPos(item.gridPos);
      if (item.row.repeat !== undefined) row.repeat(item.row.repeat);
      builder.withRow(row);
    } else if (item.panel !== undefined) {
      const panel = buildPanel(item.panel, item.id, item.gridPos);
      builder.withPanel({ build: () => panel });
    }
  }
  // The SDK marks its query objects with a function (`_implementsDataqueryVariant`); the plain
  // JSON Grafana reads is what the builder's output serialises to.
  return JSON.parse(JSON.stringify(builder.build())) as GrafanaDashboard;
}
