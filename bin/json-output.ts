/**
 * The `--json` shapes of the commands, in one place: snake_case like the API, stable, and
 * documented in the README ("JSON output"). Pure: results in, plain objects out.
 */
import type { ProbeOutcome } from '../agent/run-probe.ts';
import type { ProbeValues } from '../agent/report.ts';
import type { Target } from '../agent/targets.ts';
import type { RunOutcome } from '../backups/engine.ts';
import type { Manifest, Verification } from '../backups/manifest.ts';
import type { RetentionPlan } from '../backups/retention.ts';
import type { BackupTarget } from '../catalog/labels.ts';
import { partBytes } from './commands/backup-format.ts';

/** `aidb backup run --json`: one entry per target. */
export function runJson(target: BackupTarget, outcome: RunOutcome) {
  if (outcome.status === 'success') {
    const m = outcome.manifest;
    return {
      target,
      status: 'success' as const,
      id: m.id,
      plain_bytes: partBytes(m, 'plain'),
      stored_bytes: partBytes(m, 'stored'),
      duration_seconds: (Date.parse(m.finishedAt) - Date.parse(m.startedAt)) / 1000,
      reason: null,
      error: null,
    };
  }
  return {
    target,
    status: outcome.status,
    id: outcome.status === 'failure' ? (outcome.manifest?.id ?? null) : null,
    plain_bytes: null,
    stored_bytes: null,
    duration_seconds: null,
    reason: outcome.status === 'failure' ? outcome.reason : 'busy',
    error: outcome.status === 'failure' ? outcome.error.message : null,
  };
}

/** `aidb backup verify --json`. */
export function verifyJson(manifest: Manifest, v: Verification) {
  return {
    id: manifest.id,
    level: v.level,
    ok: v.ok,
    duration_seconds: v.durationSeconds,
    reason: v.reason ?? null,
    detail: v.detail ?? null,
  };
}

/** `aidb backup prune --json`. */
export function pruneJson(plan: RetentionPlan, deleted: readonly string[], dryRun: boolean) {
  return {
    dry_run: dryRun,
    decisions: plan.decisions.map((d) => ({
      id: d.id,
      target: d.target,
      action: d.action,
      reasons: d.reasons,
    })),
    blocked: plan.blocked,
    deleted,
  };
}

/** `aidb agent probe --json`. */
export function probeJson(target: Target, outcome: ProbeOutcome, values: ProbeValues) {
  return {
    target: target.name,
    probe: target.probe,
    dependency: target.dependency,
    success: outcome.success,
    duration_seconds: outcome.durationSeconds,
    reason: outcome.reason ?? null,
    error: outcome.message ?? null,
    phases: Object.fromEntries(values.phases),
    values: Object.fromEntries(values.gauges),
  };
}
