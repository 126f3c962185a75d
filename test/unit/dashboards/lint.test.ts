import type { GrafanaDashboard } from '../../../dashboards/grafana-json.ts';
import { describe, expect, it } from 'vitest';
import { dashboardSpecs } from '../../../dashboards/all.ts';
import { buildDashboard } from '../../../dashboards/build.ts';
import { checkIds, lintDashboards, type CheckId } from '../../../dashboards/lint/checks.ts';

const context = {
  serviceJob: 'aidb',
  agentJob: 'aidb-agent',
  backups: { staleAfterSeconds: 90_000, restoreVerifyStaleAfterSeconds: 608_400 },
};

/** A fresh copy of the real protection dashboard; each fixture breaks one thing in it. */
function valid(): GrafanaDashboard {
  const spec = dashboardSpecs(context).find((s) => s.id === 'protection');
  if (spec === undefined) throw new Error('no protection dashboard');
  return structuredClone(buildDashboard(spec));
}

type Mutable = Record<string, unknown>;
function panel(board: GrafanaDashboard, index = 1): Mutable {
  return (board.panels ?? [])[index] as unknown as Mutable;
}
function target(board: GrafanaDashboard): Mutable {
  return (panel(board).targets as Mutable[])[0] as Mutable;
}
function withExpr(expr: string) {
  return (board: GrafanaDashboard) => {
    target(board).expr = expr;
  };
}

const fixtures: readonly {
  check: CheckId;
  name: string;
  breakIt: (board: GrafanaDashboard, all: GrafanaDashboard[]) => void;
}[] = [
  {
    check: 'schema-version',
    name: 'an older schemaVersion should fail.',
    breakIt: (b) => {
      b.schemaVersion = 39;
    },
  },
  {
    check: 'panel-type',
    name: 'a removed Angular graph panel should fail.',
    breakIt: (b) => {
      panel(b).type = 'graph';
    },
  },
  {
    check: 'unique-uid',
    name: 'two dashboards with one uid should fail.',
    breakIt: (b, all) => {
      all.push({ ...b, title: 'other' });
    },
  },
  {
    check: 'uid-length',
    name: 'a uid over 40 characters should fail.',
    breakIt: (b) => {
      b.uid = 'x'.repeat(41);
    },
  },
  {
    check: 'unique-title',
    name: 'two dashboards with one title should fail.',
    breakIt: (b, all) => {
      all.push({ ...b, uid: 'other' });
    },
  },
  {
    check: 'unique-panel-id',
    name: 'a repeated panel id should fail.',
    breakIt: (b) => {
      panel(b, 2).id = panel(b, 1).id;
    },
  },
  {
    check: 'unique-ref-id',
    name: 'a repeated refId should fail.',
    breakIt: (b) => {
      const t = panel(b).targets as Mutable[];
      t.push({ ...t[0] });
    },
  },
  {
    check: 'unique-query',
    name: 'two panels running the same query should fail.',
    breakIt: (b) => {
      const first = (panel(b, 1).targets as Mutable[])[0] as Mutable;
      ((panel(b, 2).targets as Mutable[])[0] as Mutable).expr = first.expr;
    },
  },
  {
    check: 'grid',
    name: 'a panel past the 24th column should fail.',
    breakIt: (b) => {
      (panel(b).gridPos as Mutable).x = 20;
    },
  },
  {
    check: 'panel-title',
    name: 'a panel without title should fail.',
    breakIt: (b) => {
      panel(b).title = '';
    },
  },
  {
    check: 'panel-description',
    name: 'a panel without description should fail.',
    breakIt: (b) => {
      delete panel(b).description;
    },
  },
  {
    check: 'panel-unit',
    name: 'a panel without unit should fail.',
    breakIt: (b) => {
      ((panel(b).fieldConfig as Mutable).defaults as Mutable).unit = '';
    },
  },
  {
    check: 'panel-query',
    name: 'a panel without query should fail.',
    breakIt: (b) => {
      panel(b).targets = [];
    },
  },
  {
    check: 'legend-visible',
    name: 'a hidden legend should fail.',
    breakIt: (b) => {
      ((panel(b).options as Mutable).legend as Mutable).showLegend = false;
    },
  },
  {
    check: 'datasource',
    name: 'a hard-coded datasource should fail.',
    breakIt: (b) => {
      panel(b).datasource = { type: 'prometheus', uid: 'prod' };
    },
  },
  {
    check: 'query-parse',
    name: 'a query that does not parse should fail.',
    breakIt: withExpr('sum(rate(aidb_auth_failures_total{job=~"$job"}[$__rate_interval])'),
  },
  {
    check: 'catalog-metric',
    name: 'a metric nobody emits should fail.',
    breakIt: withExpr('sum(rate(aidb_requests_total{job=~"$job"}[$__rate_interval]))'),
  },
  {
    check: 'catalog-label',
    name: 'a label the metric lacks should fail.',
    breakIt: withExpr(
      'sum(rate(aidb_auth_failures_total{job=~"$job",route="x"}[$__rate_interval]))',
    ),
  },
  {
    check: 'counter-rate',
    name: 'a counter outside rate() should fail.',
    breakIt: withExpr('sum(aidb_auth_failures_total{job=~"$job"})'),
  },
  {
    check: 'histogram-le',
    name: 'a quantile not aggregated by le should fail.',
    breakIt: withExpr(
      'histogram_quantile(0.9, sum by (job) (rate(aidb_search_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))',
    ),
  },
  {
    check: 'rate-interval',
    name: 'a fixed rate window should fail.',
    breakIt: withExpr('sum(rate(aidb_auth_failures_total{job=~"$job"}[5m]))'),
  },
  {
    check: 'job-instance',
    name: 'a selector without the job variable should fail.',
    breakIt: withExpr('sum(rate(aidb_auth_failures_total[$__rate_interval]))'),
  },
  {
    check: 'variable-defined',
    name: 'an undefined variable should fail.',
    breakIt: withExpr(
      'sum(rate(aidb_auth_failures_total{job=~"$job",reason=~"$reason"}[$__rate_interval]))',
    ),
  },
  {
    check: 'variable-used',
    name: 'an unused variable should fail.',
    breakIt: (b) => {
      const first = b.templating.list?.[0];
      if (first !== undefined) b.templating.list?.push({ ...first, name: 'unused' });
    },
  },
];

describe('dashboard checks', () => {
  it('pass every generated dashboard', () => {
    expect(lintDashboards(dashboardSpecs(context).map(buildDashboard))).toEqual([]);
  });

  it('have a failing fixture for every check', () => {
    expect(fixtures.map((f) => f.check).sort()).toEqual([...checkIds].sort());
  });

  it.each(fixtures)('$check: $name', ({ check, breakIt }) => {
    const board = valid();
    const all = [board];
    breakIt(board, all);
    const problems = lintDashboards(all);
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.check))).toEqual(new Set([check]));
  });
});
