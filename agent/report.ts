import type { ProbeOutcome } from './run-probe.ts';
import type { AgentStatusDocument } from './status.ts';
import type { Target } from './targets.ts';
import type { HttpProbePhase } from '../catalog/labels.ts';

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** `connection: connect ECONNREFUSED 127.0.0.1:8091`: the reason code and the error's text. */
function lastError(result: AgentStatusDocument['targets'][number]['last_result']): string {
  if (result === null || result.reason === null) return '-';
  return result.error === null ? result.reason : `${result.reason}: ${result.error}`;
}

const ms = (seconds: number): string => `${(seconds * 1000).toFixed(1)} ms`;

/** `aidb agent status`: one table of targets, one of jobs. */
export function formatStatus(status: AgentStatusDocument): string {
  const targets = formatTable([
    ['TARGET', 'PROBE', 'DEPENDENCY', 'STATE', 'FAILURES', 'LAST PROBE', 'ERROR'],
    ...status.targets.map((t) => [
      t.name,
      t.probe,
      t.dependency,
      t.state,
      String(t.consecutive_failures),
      t.last_result === null
        ? '-'
        : `${t.last_result.success ? 'ok' : 'failed'} ${ms(t.last_result.duration_seconds)}`,
      lastError(t.last_result),
    ]),
  ]);
  const certificates = formatCertificates(status.certificates);
  if (status.jobs.length === 0) return `${targets}\n\nno scheduled jobs\n${certificates}`;
  const jobs = formatTable([
    ['JOB', 'SCHEDULE', 'RUNNING', 'LAST RUN', 'RESULT', 'LAST SUCCESS', 'NEXT RUN'],
    ...status.jobs.map((j) => [
      j.name,
      j.schedule,
      j.running ? 'yes' : 'no',
      j.last_run?.started_at ?? '-',
      j.last_run?.result ?? '-',
      j.last_success_at ?? '-',
      j.next_run_at ?? '-',
    ]),
  ]);
  return `${targets}\n\n${jobs}\n${certificates}`;
}

const days = (seconds: number): string => `${(seconds / 86_400).toFixed(1)} d`;

/** The certificates table, or nothing when the agent watches none. */
function formatCertificates(certificates: AgentStatusDocument['certificates'] | undefined): string {
  if (certificates === undefined || certificates.length === 0) return '';
  const table = formatTable([
    [
      'DOMAIN',
      'FILE',
      'NOT AFTER',
      'LEFT',
      'RENEW',
      'LAST RESULT',
      'LAST SUCCESS',
      'HOOK',
      'ERROR',
    ],
    ...certificates.map((c) => [
      c.domain,
      c.cert_file,
      c.not_after ?? 'missing',
      c.remaining_seconds === null ? '-' : days(c.remaining_seconds),
      c.renew ? 'acme' : 'watch',
      c.last_result ?? '-',
      c.last_success_at ?? '-',
      c.hook === null ? '-' : c.hook.error === null ? 'ok' : 'failed',
      c.last_error ?? c.hook?.error ?? '-',
    ]),
  ]);
  return `\n${table}\n`;
}

/** What one probe recorded, for `aidb agent probe`. */
export interface ProbeValues {
  readonly phases: ReadonlyMap<HttpProbePhase, number>;
  readonly gauges: ReadonlyMap<string, number>;
}

/** `aidb agent probe <target>`: the result, the HTTP phases and the kind's own values. */
export function formatProbe(target: Target, outcome: ProbeOutcome, values: ProbeValues): string {
  const result = outcome.success
    ? `success in ${ms(outcome.durationSeconds)}`
    : `failure in ${ms(outcome.durationSeconds)}: ${outcome.reason ?? 'other'}: ${outcome.message ?? ''}`;
  const rows: string[][] = [
    ['target', `${target.name} (${target.probe}, dependency ${target.dependency})`],
    ['result', result],
    ...[...values.phases].map(([phase, seconds]) => [`phase ${phase}`, ms(seconds)]),
    ...[...values.gauges].map(([name, value]) => [name, String(value)]),
  ];
  return `${formatTable(rows)}\n`;
}
