import type { Target } from '../fixtures.ts';
import type { AlertSpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';

/** Where fixture series come from: one service and one agent instance, as scraped. */
export function serviceTarget(context: GenerationContext): Target {
  return { job: context.serviceJob, instance: 'aidb-0:8091' };
}

export function agentTarget(context: GenerationContext): Target {
  return { job: context.agentJob, instance: 'aidb-0:9470' };
}

/** Labels of a target as an alert keeps them. */
export function targetLabels(target: Target): { job: string; instance: string } {
  return { job: target.job, instance: target.instance };
}

/** Declares an alert; the `kind` tag is what tells it from a recording rule. */
export function alert(spec: Omit<AlertSpec, 'kind'>): AlertSpec {
  return { kind: 'alert', ...spec };
}

/** Why a certificate's critical expiry alert inhibits its warning. */
export const sameCertificate =
  'The critical expiry alert already covers the warning for the same certificate.';

/** Mitigation steps every agent-side alert shares. */
export const agentStatusStep =
  'Run `aidb agent status` on the host: it lists every probe target with its state and last error, and every job with its last and next run.';
