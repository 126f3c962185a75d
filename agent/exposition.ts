import { units, type MetricDef } from '../catalog/types.ts';

/** One sample: its label pairs in order, and its value. */
export type Sample = readonly [labels: readonly (readonly [string, string])[], value: number];

// The escaping and number formats of the Prometheus text format 0.0.4, as the OpenTelemetry
// Prometheus exporter writes them (its output and this one are compared in a test).
const escapeText = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (value: string): string => escapeText(value).replace(/"/g, '\\"');

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * One gauge family in the text format: HELP, UNIT and TYPE from its catalog entry, then its
 * samples; nothing at all when it has none, as the exporter omits an observable that reported
 * nothing.
 */
export function gaugeFamily(def: MetricDef, samples: Iterable<Sample>): string {
  let lines = '';
  for (const [labels, value] of samples) {
    const pairs = labels.map(([name, text]) => `${name}="${escapeLabel(text)}"`).join(',');
    lines += `${def.name}${pairs === '' ? '' : `{${pairs}}`} ${formatValue(value)}\n`;
  }
  if (lines === '') return '';
  const unit = units[def.unit].ucum;
  return `# HELP ${def.name} ${escapeText(def.help)}\n# UNIT ${def.name} ${escapeText(unit)}\n# TYPE ${def.name} gauge\n${lines}`;
}
