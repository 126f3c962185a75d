import type { DashboardId } from '../config/generation.ts';
import type { AlertSpec } from './model.ts';

/** A panel of a generated dashboard, as the runbooks name it. */
export interface PanelRef {
  readonly dashboard: DashboardId;
  readonly id: number;
  readonly title: string;
  readonly exprs: readonly string[];
}

/**
 * What a PromQL text shows: the series it selects (`name{…}`), histogram suffixes and the window
 * of a recorded rate (`…:rate6h`) folded away, and the SLO it is about, so a burn-rate alert
 * finds the burn-rate panel of its own SLO.
 */
function seriesOf(expr: string): Set<string> {
  const series = [...expr.matchAll(/([a-zA-Z_:][\w:]*)\{/g)].map((m) =>
    (m[1] ?? '').replace(/_(bucket|count|sum)$/, '').replace(/:rate\d+[smhdw]$/, ':rate'),
  );
  const slos = [...expr.matchAll(/\bslo="([^"]+)"/g)].map((m) => `slo=${m[1] ?? ''}`);
  return new Set([...series, ...slos]);
}

/**
 * The panel of the alert's dashboard that shows most of the series the alert reads; undefined
 * when no panel there shows any of them.
 */
export function panelFor(alert: AlertSpec, panels: readonly PanelRef[]): PanelRef | undefined {
  const wanted = seriesOf(alert.expr.text);
  // Between panels showing the same series, the one whose title the alert's name echoes
  // (`…BurnRateFast` → "burn rate") wins; a word never outweighs a series.
  const stem = (word: string): string => word.toLowerCase().replace(/s$/, '');
  const named = new Set(alert.name.split(/(?=[A-Z])/).map(stem));
  let best: { panel: PanelRef; score: number } | undefined;
  for (const panel of panels.filter((p) => p.dashboard === alert.dashboard)) {
    const shown = seriesOf(panel.exprs.join('\n'));
    const echoed = panel.title
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 2 && named.has(stem(w))).length;
    const score = [...wanted].filter((s) => shown.has(s)).length + echoed / 100;
    if (score >= 1 && (best === undefined || score > best.score)) best = { panel, score };
  }
  return best?.panel;
}
