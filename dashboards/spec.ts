import type { MetricDef } from '../catalog/types.ts';
import type { Expr } from '../lib/promql/index.ts';
import type { DashboardId } from '../config/generation.ts';
import type { PanelUnit } from './units.ts';

/** One query of a panel: an aggregated expression (never a raw series) and its legend. */
export interface QuerySpec {
  readonly expr: Expr<'aggregated' | 'scalar'>;
  /** Grafana legend template, e.g. `{{http_route}}`. */
  readonly legend: string;
}

export const panelKinds = ['timeseries', 'stat', 'state-timeline', 'bargauge'] as const;
export type PanelKind = (typeof panelKinds)[number];

export interface Threshold {
  readonly value: number;
  readonly color: 'orange' | 'red' | 'green' | 'blue';
}

export interface PanelSpec {
  readonly kind: PanelKind;
  readonly title: string;
  /** Shown in the panel's info tooltip: what it shows and how to read it. */
  readonly description: string;
  /** The on-call question the panel answers (the dashboards README lists them). */
  readonly question: string;
  readonly queries: readonly QuerySpec[];
  /** Overrides the unit derived from the first query. */
  readonly unit?: PanelUnit;
  /** Steps above the base colour (green, or `base`). */
  readonly thresholds?: readonly Threshold[];
  readonly base?: Threshold['color'];
  readonly min?: number;
  readonly max?: number;
  /** Value texts for 0/1 states (state timelines: down/up). */
  readonly states?: readonly [string, string];
  readonly width: number;
  readonly height: number;
  /**
   * Why the panel may legitimately show nothing on a healthy, fully exercised stack; the live
   * test accepts an empty result only for these.
   */
  readonly emptyByDesign?: string;
}

export interface RowSpec {
  readonly title: string;
  /** A variable to repeat the row for (one row per value). */
  readonly repeat?: string;
  readonly panels: readonly PanelSpec[];
}

/** A variable beyond datasource/job/instance: label values of one series. */
export interface ExtraVariable {
  readonly name: string;
  readonly label: string;
  /** Selector whose label values fill the variable (dashboard scope). */
  readonly from: Expr;
  readonly valuesOf: string;
}

export interface DashboardSpec<Id extends DashboardId = DashboardId> {
  readonly id: Id;
  readonly description: string;
  readonly tags: readonly string[];
  /** Series whose `job` label values fill the job variable (only jobs that emit it). */
  readonly jobsFrom: MetricDef;
  readonly variables?: readonly ExtraVariable[];
  readonly rows: readonly RowSpec[];
}
