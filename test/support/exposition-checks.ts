import { execFile } from 'node:child_process';
import { prometheusTypeOf, type MetricDef } from '../../catalog/types.ts';
import { binaries, binaryPath } from './binaries.ts';
import { addedLabels, parseExposition } from './exposition.ts';

/** One catalog entry as a scrape shows it: its TYPE and every set of label names it carries. */
export interface ExportedShape {
  readonly name: string;
  readonly type: string | undefined;
  /** Each distinct set of declared label names, comma-joined; empty when it has no samples. */
  readonly labels: readonly string[];
}

/** How a scrape exports each of `defs`; compare with `declaredShapes(defs)`. */
export function exportedShapes(text: string, defs: readonly MetricDef[]): ExportedShape[] {
  const families = parseExposition(text);
  return defs.map((def) => {
    const family = families.get(def.name);
    const labelSets = new Set(
      (family?.samples ?? []).map((sample) =>
        Object.keys(sample.labels)
          .filter((name) => !addedLabels.includes(name))
          .sort()
          .join(','),
      ),
    );
    return { name: def.name, type: family?.type, labels: [...labelSets] };
  });
}

/** What the catalog declares for each of `defs` once it has samples. */
export function declaredShapes(defs: readonly MetricDef[]): ExportedShape[] {
  return defs.map((def) => ({
    name: def.name,
    type: prometheusTypeOf[def.kind],
    labels: [Object.keys(def.labels).sort().join(',')],
  }));
}

/** Names of the families a scrape declares with a TYPE line. */
export function typedFamilies(text: string): string[] {
  return [...parseExposition(text).values()]
    .filter((family) => family.type !== undefined)
    .map((family) => family.name);
}

/** `promtool check metrics` over a scrape: its exit code and everything it printed. */
export function promtoolCheckMetrics(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      binaryPath(binaries.promtool),
      ['check', 'metrics'],
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), output: stdout + stderr });
      },
    );
    child.stdin?.end(text);
  });
}
