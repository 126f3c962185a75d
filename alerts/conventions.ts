import type { FamilyId } from './model.ts';

/**
 * Every generated name in one place. Recording rules follow the Prometheus convention
 * level:metric:operations (prometheus.io/docs/practices/rules): the labels kept, the metric, and
 * what was done to it.
 */
export function recordingName(
  level: readonly string[],
  metric: string,
  operations: string,
): string {
  const name = `${level.join('_')}:${metric}:${operations}`;
  if (!/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/.test(name)) {
    throw new RangeError(`alerts: recording rule name ${name} is not level:metric:operations`);
  }
  return name;
}

/** Alert names are CamelCase and start with `Aidb` and their component. */
export const alertNamePattern = /^Aidb[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;

export function camelCase(snake: string): string {
  return snake
    .split(/[_\s-]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** Rule group names carry the family, so `rule_group` of evaluation failures names it. */
export function groupName(family: FamilyId, part?: string): string {
  return part === undefined ? `aidb-${family}` : `aidb-${family}-${part}`;
}

/** Markdown heading anchors as GitHub and most renderers make them: lower-cased heading text. */
export function runbookAnchor(alertName: string): string {
  return alertName.toLowerCase();
}

export function runbookUrl(baseUrl: string, family: FamilyId, alertName: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${family}.md#${runbookAnchor(alertName)}`;
}

export function rulesFileName(family: FamilyId): string {
  return `${family}.yml`;
}
