import type { GenerationContext } from '../config/generation.ts';
import { agentProbesDashboard } from './agent-probes.ts';
import { backupsDashboard } from './backups.ts';
import { dependenciesDashboard } from './dependencies.ts';
import { knowledgeBaseDashboard } from './knowledge-base.ts';
import { protectionDashboard } from './protection.ts';
import { runtimeDashboard } from './runtime.ts';
import { serviceOverview } from './service-overview.ts';
import type { DashboardSpec } from './spec.ts';

/**
 * Every generated dashboard, in link order. A new one (the certificates row of issue 11) is a
 * spec file, its queries file, an entry in `ids.ts` and a line here.
 */
export function dashboardSpecs(context: GenerationContext): DashboardSpec[] {
  return [
    serviceOverview(),
    dependenciesDashboard(),
    knowledgeBaseDashboard(),
    protectionDashboard(),
    agentProbesDashboard(),
    backupsDashboard(context),
    runtimeDashboard(),
  ];
}
