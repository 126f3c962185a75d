import type { CertificateStatus } from './certificates/manager.ts';
import type { TargetStatus } from './runner.ts';
import type { JobStatus } from './scheduler.ts';

/** The agent's `/status` document. */
export interface AgentStatus {
  readonly targets: readonly TargetStatus[];
  readonly jobs: readonly JobStatus[];
  readonly certificates: readonly CertificateStatus[];
}
