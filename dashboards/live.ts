import type { DashboardSpec } from './spec.ts';
import { dashboardUid } from '../config/generation.ts';
import { layout } from './layout.ts';
import { refId } from './panel.ts';

/** Values to put in for dashboard variables when running a panel's query outside Grafana. */
export interface VariableValues {
  readonly job: string;
  readonly instance?: string;
  readonly dependency?: string;
  /** Seconds standing in for `$__rate_interval`/`$__interval`/`$__range` (default 60s/60s/1h). */
  readonly rateInterval?: string;
  readonly interval?: string;
  readonly range?: string;
}

export interface PanelQuery {
  readonly dashboard: string;
  readonly panelId: number;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  readonly emptyByDesign?: string;
}

/**
 * The job variable's value for a dashboard: the jobs that emit its series (the runtime dashboard
 * shows both processes), as Grafana would expand a multi-value selection.
 */
export function jobsOf(
  spec: DashboardSpec,
  jobs: { readonly serviceJob: string; readonly agentJob: string },
): string {
  const selected = spec.jobsFrom.emitters.flatMap((emitter) =>
    emitter === 'service' ? [jobs.serviceJob] : emitter === 'agent' ? [jobs.agentJob] : [],
  );
  return selected.length === 1 ? (selected[0] ?? '') : `(${selected.join('|')})`;
}

/** Replaces Grafana variables with concrete values, as Grafana would for a single selection. */
export function expandVariables(expr: string, values: VariableValues): string {
  const vars: Record<string, string> = {
    __rate_interval: values.rateInterval ?? '1m',
    __interval: values.interval ?? '1m',
    __range: values.range ?? '1h',
    job: values.job,
    instance: values.instance ?? '.+',
    dependency: values.dependency ?? '.+',
  };
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => vars[name] ?? whole);
}

/**
 * Every query of every panel with variables expanded, for the live test to run through
 * Prometheus's HTTP API; `values` gives each dashboard its variables (see `jobsOf`).
 */
export function panelQueries(
  specs: readonly DashboardSpec[],
  values: (spec: DashboardSpec) => VariableValues,
): PanelQuery[] {
  return specs.flatMap((spec) =>
    layout(spec.rows).flatMap(({ panel, id }) =>
      (panel?.queries ?? []).map((query, i) => ({
        dashboard: dashboardUid(spec.id),
        panelId: id,
        panel: panel?.title ?? '',
        refId: refId(i),
        expr: expandVariables(query.expr.text, values(spec)),
        ...(panel?.emptyByDesign === undefined ? {} : { emptyByDesign: panel.emptyByDesign }),
      })),
    ),
  );
}
