import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { PanelSpec, RowSpec } from './spec.ts';

/** Grafana's grid is 24 columns wide. */
export const gridColumns = 24;

export interface Placed {
  readonly row?: RowSpec;
  readonly panel?: PanelSpec;
  readonly id: number;
  readonly gridPos: dashboard.GridPos;
}

/**
 * Places rows and panels on the grid, left to right, wrapping at 24 columns, and numbers them
 * from 1 in reading order. The SDK's own placement lets a panel overflow the right edge and
 * numbers nothing, so positions and ids are computed here.
 */
export function layout(rows: readonly RowSpec[]): Placed[] {
  const placed: Placed[] = [];
  let y = 0;
  let id = 1;
  for (const row of rows) {
    placed.push({ row, id: id++, gridPos: { x: 0, y, w: gridColumns, h: 1 } });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      if (panel.width < 1 || panel.width > gridColumns) {
        throw new RangeError(`dashboards: panel "${panel.title}" is ${panel.width} columns wide`);
      }
      if (x + panel.width > gridColumns) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      placed.push({ panel, id: id++, gridPos: { x, y, w: panel.width, h: panel.height } });
      x += panel.width;
      lineHeight = Math.max(lineHeight, panel.height);
    }
    y += lineHeight;
  }
  return placed;
}
