import { dashboardTitles, dashboardUid } from '../config/generation.ts';
import type { DashboardSpec } from './spec.ts';

/** `dashboards/README.md`: every dashboard, its panels and the question each answers. */
export function dashboardsReadme(specs: readonly DashboardSpec[]): string {
  const lines = [
    '# aidb dashboards',
    '',
    'Import the JSON files into Grafana 12 (or let the file provider in `provisioning/` load them).',
    'Every dashboard has the `datasource`, `job` and `instance` variables, deploy and firing-alert',
    'annotations, and links that keep the time range and variables.',
    '',
  ];
  for (const spec of specs) {
    lines.push(
      `## ${dashboardTitles[spec.id]} (\`${dashboardUid(spec.id)}\`)`,
      '',
      spec.description,
      '',
    );
    for (const row of spec.rows) {
      lines.push(
        `### ${row.repeat === undefined ? row.title : `One row per \`${row.repeat}\``}`,
        '',
      );
      lines.push('| Panel | Answers | Empty by design when |', '| --- | --- | --- |');
      for (const panel of row.panels) {
        lines.push(`| ${panel.title} | ${panel.question} | ${panel.emptyByDesign ?? ''} |`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}
