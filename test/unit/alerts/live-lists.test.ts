import { describe, expect, it } from 'vitest';
import { ruleFamilies } from '../../../alerts/families/index.ts';
import { ruleSelectors } from '../../../alerts/live.ts';
import { dashboardSpecs } from '../../../dashboards/all.ts';
import { jobsOf, panelQueries } from '../../../dashboards/live.ts';

const context = {
  serviceJob: 'aidb',
  agentJob: 'aidb-agent',
  backups: { staleAfterSeconds: 90_000, restoreVerifyStaleAfterSeconds: 608_400 },
};

describe('lists for the live tests', () => {
  it('names exactly the selectors inside absent() as absent by design', () => {
    const absent = ruleSelectors(ruleFamilies(context)).filter(
      (s) => s.absentByDesign !== undefined,
    );
    expect(absent.map((s) => [s.rule, s.selector])).toEqual([
      ['AidbServiceTargetAbsent', 'up{job="aidb"}'],
      ['AidbProbeNoTargets', 'aidb_agent_probe_state{job="aidb-agent"}'],
      ['AidbAgentTargetAbsent', 'up{job="aidb-agent"}'],
    ]);
  });

  it('lists every panel query with no Grafana variable left', () => {
    const queries = panelQueries(dashboardSpecs(context), (spec) => ({
      job: jobsOf(spec, context),
    }));
    expect(queries.filter((q) => q.expr.includes('$'))).toEqual([]);
    expect(queries.find((q) => q.dashboard === 'aidb-runtime')?.expr).toContain(
      'job=~"(aidb|aidb-agent)"',
    );
  });

  it('lists the reviewed empty-by-design panels', () => {
    const queries = panelQueries(dashboardSpecs(context), (spec) => ({
      job: jobsOf(spec, context),
    }));
    expect([
      ...new Set(
        queries
          .filter((q) => q.emptyByDesign !== undefined)
          .map((q) => `${q.dashboard}: ${q.panel}`),
      ),
    ]).toEqual([
      'aidb-dependencies: Circuit breaker open',
      'aidb-dependencies: Breaker transitions',
      'aidb-knowledge-base: GC deletions',
      'aidb-agent-probes: TLS certificate time left',
      'aidb-agent-probes: Managed certificate time left',
      'aidb-agent-probes: ACME renewals',
      'aidb-agent-probes: Since last renewal',
      'aidb-agent-probes: Post-renewal hook runs',
      'aidb-backups: Verification by level',
      'aidb-backups: Recovery point age',
      'aidb-backups: WAL archiving',
      'aidb-backups: Copy lag',
      'aidb-backups: Prune activity',
    ]);
  });
});
