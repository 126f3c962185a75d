/** One metric family of a Prometheus text exposition, as a scrape sees it. */
export interface Family {
  readonly name: string;
  type?: string;
  help?: string;
  unit?: string;
  readonly samples: { name: string; labels: Record<string, string>; value: number }[];
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const suffixes = ['_bucket', '_count', '_sum', '_total'];

/** Parses the text format (version 0.0.4) into families keyed by name; enough for tests. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (found === undefined) {
      found = { name, samples: [] };
      families.set(name, found);
    }
    return found;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('# ')) {
      const [, keyword, name, ...rest] = line.split(' ');
      if (name === undefined) continue;
      const value = rest.join(' ');
      if (keyword === 'TYPE') family(name).type = value;
      if (keyword === 'HELP') family(name).help = value;
      if (keyword === 'UNIT') family(name).unit = value;
      continue;
    }
    const match = sampleLine.exec(line);
    if (match === null) continue;
    const [, sampleName = '', rawLabels = '', value = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, key = '', labelValue = ''] of rawLabels.matchAll(labelPair))
      labels[key] = labelValue;
    // A sample belongs to the family declared for its name, or for its name minus a suffix.
    const base = families.has(sampleName)
      ? sampleName
      : (suffixes
          .map((s) => (sampleName.endsWith(s) ? sampleName.slice(0, -s.length) : ''))
          .find((n) => families.has(n)) ?? sampleName);
    family(base).samples.push({ name: sampleName, labels, value: Number(value) });
  }
  return families;
}

/** Labels Prometheus adds to histogram samples, not declared by the catalog. */
export const addedLabels: readonly string[] = ['le'];

/** Label names used by a family's samples, without the ones Prometheus or OTel add. */
export function labelNames(family: Family): string[] {
  const names = new Set<string>();
  for (const sample of family.samples) {
    for (const name of Object.keys(sample.labels)) {
      if (!addedLabels.includes(name)) names.add(name);
    }
  }
  return [...names].sort();
}
