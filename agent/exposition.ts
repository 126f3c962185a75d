import { prometheusTypeOf, units, type MetricDef } from '../catalog/types.ts';
import type { Collection, FamilySnapshot } from '../lib/telemetry/series-meter.ts';

/** One sample: its label pairs in order, and its value. */
export type Sample = readonly [labels: readonly (readonly [string, string])[], value: number];

type LabelValue = unknown;

// The escaping, naming and number formats of the Prometheus text format 0.0.4 as the
// OpenTelemetry Prometheus exporter writes them: the agent's exposition was that exporter's, and
// tests compare the two byte for byte.
const escapeText = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const labelText = (value: LabelValue): string =>
  escapeText(typeof value === 'string' ? value : JSON.stringify(value)).replace(/"/g, '\\"');
// OpenTelemetry allows dots in attribute names (`service.name`), Prometheus does not.
const labelName = (name: string): string =>
  name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function sampleLine(
  name: string,
  labels: Iterable<readonly [string, LabelValue]>,
  value: number,
  le?: string,
): string {
  let pairs = '';
  for (const [label, text] of labels)
    pairs += `${pairs === '' ? '' : ','}${labelName(label)}="${labelText(text)}"`;
  if (le !== undefined) pairs += `${pairs === '' ? '' : ','}le="${le}"`;
  return `${name}${pairs === '' ? '' : `{${pairs}}`} ${formatValue(value)}\n`;
}

function header(name: string, help: string, unit: string, type: string): string {
  const unitLine = unit === '' ? '' : `# UNIT ${name} ${escapeText(unit)}\n`;
  return `# HELP ${name} ${escapeText(help === '' ? 'description missing' : help)}\n${unitLine}# TYPE ${name} ${type}\n`;
}

// The exporter appends `_total` to a counter that lacks it; the catalog's counters carry it.
function familyName(def: MetricDef): string {
  return prometheusTypeOf[def.kind] === 'counter' && !def.name.endsWith('_total')
    ? `${def.name}_total`
    : def.name;
}

/** A family under its catalog entry's name, HELP, UNIT and TYPE; nothing when it has no lines. */
function family(def: MetricDef, lines: string): string {
  if (lines === '') return '';
  return `${header(familyName(def), def.help, units[def.unit].ucum, prometheusTypeOf[def.kind])}${lines}`;
}

/**
 * One gauge family in the text format from plain samples; nothing at all when it has none, as
 * the exporter omits an observable that reported nothing.
 */
export function gaugeFamily(def: MetricDef, samples: Iterable<Sample>): string {
  let lines = '';
  for (const [labels, value] of samples) lines += sampleLine(def.name, labels, value);
  return family(def, lines);
}

function snapshotFamily(snapshot: FamilySnapshot): string {
  const { def } = snapshot;
  const name = familyName(def);
  let lines = '';
  if (snapshot.kind !== 'histogram') {
    for (const point of snapshot.points)
      lines += sampleLine(name, Object.entries(point.labels), point.value);
    return family(def, lines);
  }
  for (const point of snapshot.points) {
    const labels = Object.entries(point.labels);
    lines += sampleLine(`${name}_count`, labels, point.count);
    lines += sampleLine(`${name}_sum`, labels, point.sum);
    let cumulative = 0;
    for (const [index, count] of point.counts.entries()) {
      const bound = snapshot.boundaries[index];
      // Bounds that end in +Inf already have the overflow bucket: no second +Inf line.
      if (bound === undefined && snapshot.boundaries.at(-1) === Infinity) break;
      cumulative += count;
      const le = bound === undefined || bound === Infinity ? '+Inf' : String(bound);
      lines += sampleLine(`${name}_bucket`, labels, cumulative, le);
    }
  }
  return family(def, lines);
}

/**
 * A series meter's collection in the text format, after `target_info` from the resource
 * attributes, laid out as the OpenTelemetry exporter lays out the same series (without scope
 * labels): the agent renders its own metrics without loading the metrics SDK.
 */
export function renderCollection(
  collection: Collection,
  resource: Readonly<Record<string, string>>,
): string {
  const target = `${header('target_info', 'Target metadata', '', 'gauge')}${sampleLine('target_info', Object.entries(resource), 1)}`;
  const families = collection.families.map(snapshotFamily).join('');
  return `${target}${families === '' ? '# no registered metrics' : families}`;
}
