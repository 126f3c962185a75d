import type { AgentJobName } from '../../catalog/labels.ts';

/**
 * A scheduled operational job. `run` must stop when `signal` fires (shutdown): kill the
 * children it started and remove its temporary files before it settles.
 */
export interface Job {
  readonly name: AgentJobName;
  /** Cron expression (croner syntax). */
  readonly schedule: string;
  /**
   * Acts on what every agent of a deployment shares (the service's database, its backups): one
   * run per schedule across all agents, claimed through the scheduler's JobClaims.
   */
  readonly shared?: boolean;
  run(signal: AbortSignal): Promise<void>;
  /**
   * Runs once when the agent starts, before any schedule (e.g. rebuilding gauges from what is
   * on disk). A failure is logged and the job is still scheduled.
   */
  prepare?(signal: AbortSignal): Promise<void>;
}
