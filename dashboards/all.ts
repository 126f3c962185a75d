import { dashboardIds, type DashboardId, type GenerationContext } from '../config/generation.ts';
import { agentProbesDashboard } from './agent-probes.ts';
import { backupsDashboard } from './backups.ts';
import { dependenciesDashboard } from './dependencies.ts';
import { knowledgeBaseDashboard } from './knowledge-base.ts';
import { protectionDashboard } from './protection.ts';
import { runtimeDashboard } from './runtime.ts';
import { serviceOverview } from './service-overview.ts';
import type { DashboardSpec } from './spec.ts';

/**
 * Every generated dashboard by id; the compiler checks that each id of `dashboardTitles` has a
 * builder and that the builder makes the dashboard of that id. A new one (the certificates row
 * of issue 11) is a spec file, its queries file, a title in `config/generation.ts` and a line here.
 */
const builders = {
  'service-overview': serviceOverview,
  dependencies: dependenciesDashboard,
  'knowledge-base': knowledgeBaseDashboard,
  protection: protectionDashboard,
  'agent-probes': agentProbesDashboard,
  backups: backupsDashboard,
  runtime: runtimeDashboard,
} as const satisfies {
  readonly [Id in DashboardId]: (context: GenerationContext) => DashboardSpec<Id>;
};

/** The dashboards in link order, the order of `dashboardTitles`. */
export function dashboardSpecs(context: GenerationContext): DashboardSpec[] {
  return dashboardIds.map((id) => builders[id](context));
}
