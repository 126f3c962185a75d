import type { DashboardId } from '../config/generation.ts';
import type { AlertSpec } from './model.ts';

/** A panel of a generated dashboard, as the runbooks name it. */
export interface PanelRef {
  readonly dashboard: DashboardId;
  readonly id: number;
  readonly title: string;
  readonly exprs: readonly string[];
}

/** Series a PromQL text selects (`name{…}`), histogram suffixes folded into the base name. */
function seriesOf(expr: string): Set<string> {
  return new Set(
    [...expr.matchAll(/([a-zA-Z_:][\w:]*)\{/g)].map((m) =>
      (m[1] ?? '').replace(/_(bucket|count|sum)$/, ''),
    ),
  );
}

/**
 * The panel of the alert's dashboard that shows most of the series the alert reads; undefined
 * when no panel there shows any of them.
 */
export function panelFor(alert: AlertSpec, panels: readonly PanelRef[]): PanelRef | undefined {
  const wanted = seriesOf(alert.expr.text);
  let best: { panel: PanelRef; score: number } | undefined;
  for (const panel of panels.filter((p) => p.dashboard === alert.dashboard)) {
    const shown = seriesOf(panel.exprs.join('\n'));
    const score = [...wanted].filter((s) => shown.has(s)).length;
    if (score > 0 && (best === undefined || score > best.score)) best = { panel, score };
  }
  return best?.panel;
}
