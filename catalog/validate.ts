import { prometheusTypeOf, units, type MetricDef } from './types.ts';

const metricName = /^[a-z][a-z0-9_]*$/;
const labelName = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

// Prometheus attaches these itself (targets, histograms, summaries); a metric must not declare them.
const reservedLabels = new Set(['job', 'instance', 'le', 'quantile']);

// Non-base units: Prometheus naming wants seconds and bytes (prometheus.io/docs/practices/naming).
const nonBaseUnits = [
  '_milliseconds',
  '_microseconds',
  '_nanoseconds',
  '_ms',
  '_minutes',
  '_hours',
  '_days',
  '_kilobytes',
  '_megabytes',
  '_kb',
  '_mb',
  '_percent',
];

function nameProblems(def: MetricDef): string[] {
  const problems: string[] = [];
  const { name } = def;
  if (!metricName.test(name)) problems.push('name must be snake_case ([a-z][a-z0-9_]*)');
  const isCounter = prometheusTypeOf[def.kind] === 'counter';
  const base = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  if (isCounter && base === name) problems.push('a counter name must end in _total');
  if (!isCounter && base !== name) problems.push('only counters may end in _total');
  const { suffix } = units[def.unit];
  if (suffix !== '' && !base.endsWith(suffix) && def.compatibility === undefined) {
    problems.push(
      `unit ${def.unit} needs the name to end in ${suffix}${isCounter ? '_total' : ''}`,
    );
  }
  if (
    suffix === '' &&
    Object.values(units).some((u) => u.suffix !== '' && base.endsWith(u.suffix))
  ) {
    problems.push(`unit ${def.unit} contradicts the unit suffix of the name`);
  }
  for (const reserved of ['_bucket', '_count', '_sum']) {
    if (base.endsWith(reserved)) problems.push(`${reserved} is reserved for histogram series`);
  }
  for (const bad of nonBaseUnits) {
    if (base.endsWith(bad)) problems.push(`${bad} is not a base unit; use seconds or bytes`);
  }
  return problems;
}

function labelProblems(def: MetricDef): string[] {
  const problems: string[] = [];
  for (const [label, spec] of Object.entries(def.labels)) {
    if (!labelName.test(label)) problems.push(`label ${label} must be snake_case`);
    if (reservedLabels.has(label)) problems.push(`label ${label} is reserved by Prometheus`);
    if ('values' in spec && spec.values.length === 0) {
      problems.push(`label ${label} declares no values`);
    }
  }
  return problems;
}

function bucketProblems(def: MetricDef): string[] {
  if (def.kind !== 'histogram') {
    return def.buckets === undefined ? [] : ['only histograms have buckets'];
  }
  const buckets = def.buckets ?? [];
  if (buckets.length === 0) return ['a histogram needs explicit bucket bounds'];
  const ascending = buckets.every((b, i) => i === 0 || b > (buckets[i - 1] ?? -Infinity));
  return ascending ? [] : ['bucket bounds must be strictly ascending'];
}

/** Every way a set of metric definitions breaks the catalog's rules; empty when valid. */
export function catalogProblems(defs: readonly MetricDef[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const def of defs) {
    if (seen.has(def.name)) problems.push(`${def.name}: declared more than once`);
    seen.add(def.name);
    if (def.help.trim() === '') problems.push(`${def.name}: help text is empty`);
    if (def.emitters.length === 0) problems.push(`${def.name}: emitted by nobody`);
    for (const problem of [...nameProblems(def), ...labelProblems(def), ...bucketProblems(def)]) {
      problems.push(`${def.name}: ${problem}`);
    }
  }
  return problems;
}
