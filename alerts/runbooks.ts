import { componentEdges, dependencies } from '../catalog/dependencies.ts';
import { receiverOf } from './alertmanager.ts';
import { runbookAnchor } from './conventions.ts';
import type { InhibitRule } from './inhibitions.ts';
import type { AlertSpec, FamilySpec } from './model.ts';
import { alertsOf, dashboardUrl, type LinkOptions } from './rules-file.ts';
import { goTemplate } from './template.ts';

function likelyCauses(alert: AlertSpec): string[] {
  const fromGraph = (alert.runbook.dependencies ?? []).map((name) => {
    const def = dependencies[name];
    const users = def.usedBy.join(', ');
    return `${def.title} failing (${def.critical ? 'critical' : 'not critical'}; used by ${users}; used when: ${def.when}).`;
  });
  const fromComponents = (alert.runbook.components ?? []).flatMap((component) =>
    componentEdges
      .filter((edge) => edge.from === component)
      .map((edge) => `The ${component} not running: it ${edge.why}.`),
  );
  return [...alert.runbook.causes, ...fromGraph, ...fromComponents];
}

function inhibitionLines(
  family: FamilySpec,
  alert: AlertSpec,
  rules: readonly InhibitRule[],
): string[] {
  const inhibits = rules
    .filter((r) => r.source.includes(alert.name))
    .map(
      (r) =>
        `- Inhibits ${r.targets.map((t) => `\`${t}\``).join(', ')} (equal ${r.equal.join(', ')}${r.dependency === undefined ? '' : `, dependency ${r.dependency}`}): ${r.why}`,
    );
  const inhibitedBy = rules
    .filter((r) => r.targets.includes(alert.name))
    .map(
      (r) =>
        `- Inhibited by ${r.source.map((s) => `\`${s}\``).join(', ')} (equal ${r.equal.join(', ')}${r.dependency === undefined ? '' : `, dependency ${r.dependency}`}): ${r.why}`,
    );
  const lines = [...inhibits, ...inhibitedBy];
  return lines.length === 0
    ? [
        family.neverInhibited === undefined
          ? '- Inhibits nothing and is inhibited by nothing.'
          : `- Never inhibited: ${family.neverInhibited}`,
      ]
    : lines;
}

function section(
  family: FamilySpec,
  alert: AlertSpec,
  rules: readonly InhibitRule[],
  options: LinkOptions,
): string {
  const timing = [
    alert.for === undefined
      ? 'fires on the first evaluation that matches'
      : `fires after matching for \`${alert.for}\``,
    ...(alert.keepFiringFor === undefined
      ? []
      : [`keeps firing for \`${alert.keepFiringFor}\` after it stops matching`]),
  ].join('; ');
  const labels = Object.entries(alert.labels ?? {}).map(([k, v]) => `\`${k}="${v}"\``);
  return [
    `## ${alert.name}`,
    '',
    `**Severity** \`${alert.severity}\`, routed to the \`${receiverOf(alert.name, alert.severity)}\` receiver${labels.length === 0 ? '' : `; labels ${labels.join(', ')}`}. **Summary**: ${goTemplate(alert.summary)}`,
    '',
    '### What it means',
    '',
    alert.runbook.meaning,
    '',
    goTemplate(alert.description),
    '',
    '### Expression and thresholds',
    '',
    '```promql',
    alert.expr.text,
    '```',
    '',
    `It ${timing}. Dashboard: ${dashboardUrl(options, alert)}`,
    '',
    '### Inhibitions',
    '',
    ...inhibitionLines(family, alert, rules),
    '',
    '### First queries',
    '',
    ...alert.runbook.firstQueries.flatMap((q) => [
      `${q.title}:`,
      '',
      '```promql',
      q.expr.text,
      '```',
      '',
    ]),
    '### Likely causes',
    '',
    ...likelyCauses(alert).map((c) => `- ${c}`),
    '',
    '### Mitigation',
    '',
    ...alert.runbook.mitigation.map((step, i) => `${String(i + 1)}. ${step}`),
    '',
  ].join('\n');
}

/** `runbooks/<family>.md`: one section per alert, the anchor `runbook_url` points at. */
export function runbook(
  family: FamilySpec,
  rules: readonly InhibitRule[],
  options: LinkOptions,
): string {
  const alerts = alertsOf(family);
  return [
    `# ${family.title} runbook`,
    '',
    ...alerts.map((a) => `- [${a.name}](#${runbookAnchor(a.name)})`),
    '',
    ...alerts.map((a) => section(family, a, rules, options)),
  ].join('\n');
}

/** Alert names that have a section in a runbook, read back from its headings. */
export function runbookSections(markdown: string): string[] {
  return [...markdown.matchAll(/^## (\S+)$/gm)].map((m) => m[1] ?? '');
}
