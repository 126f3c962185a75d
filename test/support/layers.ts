/**
 * The layer order of ARCHITECTURE.md as data, and the imports that break it. Floors from the
 * bottom: a folder imports the floors below its own, never one above; a component (service,
 * agent, …) imports another component only where ARCHITECTURE.md draws the arrow, so the agent
 * does not pull in service code because both happen to sit above config/.
 *
 * `test/` sits above every floor: a test may import anything, and of the product nothing imports
 * a test (benchmarks share its server helpers). The root files (package.json, tool configs) are
 * read by anyone.
 */
import { importsOf, sourceFiles, type ImportEdge } from './import-graph.ts';

export const floors: readonly (readonly string[])[] = [
  ['catalog'],
  ['lib'],
  ['config'],
  ['service', 'backups', 'alerts'],
  ['dashboards', 'agent', 'client'],
  ['deploy'],
  ['bin', 'bench', 'scripts'],
];

/** The folders that are components: they import each other only where `allowed` says. */
export const components = ['service', 'backups', 'alerts', 'dashboards', 'agent', 'client'];

/** Imports the drawing allows beyond the floors: `from` (a folder) may import under `to`. */
export const allowed: readonly { readonly from: string; readonly to: string; why: string }[] = [
  { from: 'dashboards', to: 'alerts/', why: 'dashboards show the alerts’ recording rules' },
  { from: 'agent', to: 'backups/', why: 'the agent schedules the backup engine' },
  {
    from: 'client',
    to: 'service/api/',
    why: 'the typed client checks answers with the service’s own API schemas',
  },
  {
    from: 'scripts',
    to: 'bin/commands/',
    why: 'a script writes what a command writes (`npm run examples`, `aidb generate`)',
  },
  {
    from: 'bench',
    to: 'test/support/',
    why: 'benchmarks start the same private servers the tests start',
  },
];

/**
 * Inside the service, the domain and its stores speak their own language: they raise their own
 * errors, which service/http/errors.ts turns into problem+json, and never reach for HTTP.
 */
export const innerRules: readonly { readonly from: string; readonly not: readonly string[] }[] = [
  'service/knowledge/',
  'service/store/',
  'service/vectors/',
  'service/embeddings/',
].map((from) => ({ from, not: ['service/http/', 'service/routes/'] }));

/** Folders beside the floors: nothing on a floor imports them unless `allowed` says. */
const outside = ['test', 'examples'];

function floorOf(folder: string): number | undefined {
  const index = floors.findIndex((floor) => floor.includes(folder));
  return index === -1 ? undefined : index;
}

const topOf = (path: string): string => path.split('/')[0] ?? path;

const drawn = allowed.map((rule) => `${rule.from} → ${rule.to}`).join(', ');

function violation(edge: ImportEdge & { readonly target: string }): string | undefined {
  const from = topOf(edge.from);
  const to = topOf(edge.target);
  const inner = innerRules.find(
    (rule) =>
      edge.from.startsWith(rule.from) && rule.not.some((not) => edge.target.startsWith(not)),
  );
  if (inner !== undefined)
    return `${edge.from}:${String(edge.line)} imports ${edge.target}: ${inner.from} raises its own errors and knows no HTTP`;
  if (from === to) return undefined;
  if (allowed.some((rule) => rule.from === from && edge.target.startsWith(rule.to)))
    return undefined;
  const where = `${edge.from}:${String(edge.line)} imports ${edge.target}`;
  if (outside.includes(to)) return `${where}: ${from}/ may not import ${to}/`;
  const fromFloor = floorOf(from);
  const toFloor = floorOf(to);
  if (fromFloor === undefined || toFloor === undefined) return undefined;
  if (toFloor > fromFloor)
    return `${where}: ${from}/ (floor ${String(fromFloor)}) may not import ${to}/ (floor ${String(toFloor)}, above it)`;
  if (components.includes(from) && components.includes(to))
    return `${where}: components import each other only where drawn (${drawn}); what ${from}/ and ${to}/ share moves down to lib/ or catalog/`;
  if (toFloor === fromFloor)
    return `${where}: ${from}/ and ${to}/ are on one floor (${String(fromFloor)}); what both need moves down`;
  return undefined;
}

/** Every import under `root` that runs against the layer order, one sentence each. */
export function layerViolations(root: string): string[] {
  return sourceFiles(root, floors.flat())
    .flatMap((file) => importsOf(root, file))
    .flatMap((edge) => {
      if (edge.target === undefined) return [];
      const found = violation({ ...edge, target: edge.target });
      return found === undefined ? [] : [found];
    });
}
