import { componentEdges, dependencies } from '../catalog/dependencies.ts';
import { receiverOf } from './alertmanager.ts';
import { runbookAnchor } from './conventions.ts';
import type { InhibitRule } from './inhibitions.ts';
import type { AlertSpec, FamilySpec } from './model.ts';
import { alertsOf, dashboardUrl, type LinkOptions } from './rules-file.ts';
import { panelFor, type PanelRef } from './dashboard-panel.ts';
import { placeLines } from './runbook-commands.ts';
import { markdownTemplate } from './template.ts';

function likelyCauses(alert: AlertSpec): string[] {
  const fromGraph = (alert.runbook.dependencies ?? []).map((name) => {
    const def = dependencies[name];
    const users = def.usedBy.join(', ');
    return `${def.title} failing (${def.critical ? 'critical' : 'not critical'}; used by ${users}; used when: ${def.when}).`;
  });
  // One line per component, however many edges leave it.
  const fromComponents = (alert.runbook.components ?? []).map((component) => {
    const whys = componentEdges.filter((edge) => edge.from === component).map((e) => e.why);
    return `The ${component} not running: it ${whys.join(', and ')}.`;
  });
  return [...new Set([...alert.runbook.causes, ...fromGraph, ...fromComponents])];
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

/** The dashboard link, and the panel to open when one shows the alert's series. */
function dashboardLine(
  alert: AlertSpec,
  options: LinkOptions,
  panels: readonly PanelRef[],
): string {
  const url = dashboardUrl(options, alert);
  const panel = panelFor(alert, panels);
  return panel === undefined
    ? `Dashboard: ${url}`
    : `Dashboard: ${url}, panel **${panel.title}** (${url}?viewPanel=${String(panel.id)})`;
}

function section(
  family: FamilySpec,
  alert: AlertSpec,
  rules: readonly InhibitRule[],
  options: LinkOptions,
  panels: readonly PanelRef[],
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
    `**Severity** \`${alert.severity}\`, routed to the \`${receiverOf(alert.name, alert.severity)}\` receiver${labels.length === 0 ? '' : `; labels ${labels.join(', ')}`}. **Summary**: ${markdownTemplate(alert.summary)}`,
    '',
    '### What it means',
    '',
    alert.runbook.meaning,
    '',
    markdownTemplate(alert.description),
    '',
    '### Expression and thresholds',
    '',
    '```promql',
    alert.expr.text,
    '```',
    '',
    `It ${timing}. ${dashboardLine(alert, options, panels)}`,
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
    ...alert.runbook.mitigation.flatMap((step, i) => [
      `${String(i + 1)}. ${step}`,
      ...placeLines(step, '   '),
    ]),
    '',
  ].join('\n');
}

/** Where each deployment runs the commands of the steps and keeps its logs. */
const whereToRun = [
  '## Where to run the commands, where the logs are',
  '',
  'The steps write commands as `aidb …`; under each step they are spelled out for every deployment.',
  'Placeholders in angle brackets (`<id>`) come from the output of the command before.',
  '',
  '| Deployment | Run `aidb …` as | Logs (JSON lines) |',
  '| --- | --- | --- |',
  '| checkout (`npm start`) | `npx aidb …` in the checkout | the terminal running `npm start`, prefixed `service` and `agent` |',
  '| Kubernetes | `kubectl exec deploy/aidb -c agent -- aidb …` | `kubectl logs deploy/aidb -c service` and `-c agent`; add `--previous` after a restart |',
  '| podman (Quadlet) | `podman exec aidb-agent aidb …` | `journalctl -u aidb -u aidb-agent` (`--user` when rootless), or `podman logs aidb` and `podman logs aidb-agent` |',
  '',
];

/** `runbooks/<family>.md`: one section per alert, the anchor `runbook_url` points at. */
export function runbook(
  family: FamilySpec,
  rules: readonly InhibitRule[],
  options: LinkOptions,
  panels: readonly PanelRef[] = [],
): string {
  const alerts = alertsOf(family);
  return [
    `# ${family.title} runbook`,
    '',
    ...alerts.map((a) => `- [${a.name}](#${runbookAnchor(a.name)})`),
    '',
    ...whereToRun,
    ...alerts.map((a) => section(family, a, rules, options, panels)),
  ].join('\n');
}

/** Alert names that have a section in a runbook, read back from its headings. */
export function runbookSections(markdown: string): string[] {
  return [...markdown.matchAll(/^## (\S+)$/gm)].map((m) => m[1] ?? '');
}
