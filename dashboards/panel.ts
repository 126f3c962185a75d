import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { PanelSpec } from './spec.ts';
import { unitOf } from './units.ts';

/** Every panel and query reads from the `datasource` variable. */
export const datasourceRef = { type: 'prometheus', uid: '${datasource}' } as const;

/** A, B, C …: Grafana's refIds, assigned here because the SDK leaves them out. */
export function refId(index: number): string {
  return String.fromCharCode(65 + index);
}

function targets(spec: PanelSpec, instant: boolean): DataqueryBuilder[] {
  return spec.queries.map((query, i) => {
    const target = new DataqueryBuilder()
      .datasource(datasourceRef)
      .refId(refId(i))
      .expr(query.expr.text)
      .legendFormat(query.legend);
    return instant ? target.instant() : target.range();
  });
}

function thresholds(spec: PanelSpec): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
    // The base step has no lower bound; Grafana writes it as null.
    { value: null, color: spec.base ?? 'green' },
    ...(spec.thresholds ?? []).map((t) => ({ value: t.value, color: t.color })),
  ]);
}

/** The SDK hides legends by default; every aidb panel that has one shows it. */
function legend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom)
    .calcs([]);
}

function mappings(spec: PanelSpec): dashboard.ValueMapping[] {
  if (spec.states === undefined) return [];
  const [zero, one] = spec.states;
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: {
        '0': { text: zero, color: 'red', index: 0 },
        '1': { text: one, color: 'green', index: 1 },
      },
    },
  ];
}

export function panelUnit(spec: PanelSpec): string {
  const first = spec.queries[0];
  if (first === undefined) throw new RangeError(`dashboards: panel "${spec.title}" has no query`);
  return spec.unit ?? unitOf(first.expr.unit);
}

type AnyPanel =
  timeseries.PanelBuilder | stat.PanelBuilder | statetimeline.PanelBuilder | bargauge.PanelBuilder;

function visualization(spec: PanelSpec): AnyPanel {
  switch (spec.kind) {
    case 'timeseries':
      return new timeseries.PanelBuilder()
        .targets(targets(spec, false))
        .legend(legend())
        .fillOpacity(10)
        .showPoints(common.VisibilityMode.Never);
    case 'stat':
      return new stat.PanelBuilder()
        .targets(targets(spec, true))
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .colorMode(common.BigValueColorMode.Background);
    case 'state-timeline':
      return new statetimeline.PanelBuilder()
        .targets(targets(spec, false))
        .legend(legend())
        .mappings(mappings(spec));
    case 'bargauge':
      return new bargauge.PanelBuilder()
        .targets(targets(spec, true))
        .legend(legend())
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .orientation(common.VizOrientation.Horizontal);
  }
}

/** A panel with what the SDK leaves out: id, datasource, unit, thresholds, description. */
export function buildPanel(
  spec: PanelSpec,
  id: number,
  gridPos: dashboard.GridPos,
): dashboard.Panel {
  const builder = visualization(spec)
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRef)
    .gridPos(gridPos)
    .unit(panelUnit(spec))
    .thresholds(thresholds(spec));
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  return builder.build();
}
