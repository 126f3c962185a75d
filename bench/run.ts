/**
 * `npm run bench`: runs every benchmark (each `bench:<name>` script of package.json, so a new
 * one is picked up by adding its script), reads the `figures` of the JSON each one writes under
 * bench/results/, and writes bench/RESULTS.md with each figure beside its bar and the machine.
 *
 * Options: --quick (AIDB_BENCH_QUICK=1: benchmarks that support it run smaller), --only NAME
 * (repeatable). Benchmarks run one after another: they measure CPU and latency, and would
 * disturb each other side by side.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { format } from 'prettier';
import { renderResults, type BenchRun } from './results-md.ts';
import type { Figure } from './support/figures.ts';

const root = join(import.meta.dirname, '..');
const resultsDir = join(import.meta.dirname, 'results');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
  },
});

const packageJson = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const available = Object.keys(packageJson.scripts)
  .filter((script) => script.startsWith('bench:'))
  .map((script) => script.slice('bench:'.length));
const unknown = (values.only ?? []).filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`bench: no benchmark ${unknown.join(', ')} (have: ${available.join(', ')})`);
  process.exit(2);
}
const selected = values.only === undefined ? available : values.only;

/** The newest JSON output of benchmark `name` written since `sinceMs`. */
async function outputOf(name: string, sinceMs: number): Promise<string | undefined> {
  let files: string[];
  try {
    files = await readdir(resultsDir);
  } catch {
    return undefined;
  }
  const mine = await Promise.all(
    files
      .filter(
        (file) =>
          file.endsWith('.json') && (file === `${name}.json` || file.startsWith(`${name}-`)),
      )
      .map(async (file) => ({ file, mtimeMs: (await stat(join(resultsDir, file))).mtimeMs })),
  );
  const newest = mine.filter((f) => f.mtimeMs >= sinceMs).sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
  return newest === undefined ? undefined : join(resultsDir, newest.file);
}

async function figuresOf(path: string | undefined): Promise<Figure[]> {
  if (path === undefined) return [];
  const data = JSON.parse(await readFile(path, 'utf8')) as { figures?: unknown };
  return Array.isArray(data.figures) ? (data.figures as Figure[]) : [];
}

const runs: BenchRun[] = [];
for (const name of selected) {
  console.log(`\n=== bench: ${name}${values.quick ? ' (quick)' : ''} ===`);
  const started = Date.now();
  // Through npm, so the script runs on the project's Node exactly as `npm run bench:NAME` does.
  const child = spawn('npm', ['run', '--silent', `bench:${name}`], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...(values.quick ? { AIDB_BENCH_QUICK: '1' } : {}) },
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const output = await outputOf(name, started);
  runs.push({
    name,
    exitCode: code ?? 1,
    seconds: (Date.now() - started) / 1000,
    output: output === undefined ? undefined : relative(root, output),
    figures: await figuresOf(output),
  });
}

const args = process.argv.slice(2);
const markdown = renderResults({
  date: new Date().toISOString(),
  node: process.version,
  command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
  quick: values.quick,
  machine: {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
  },
  runs,
});
// Formatted as `npm run lint` checks it, so a fresh RESULTS.md can be committed as written.
await writeFile(
  join(import.meta.dirname, 'RESULTS.md'),
  await format(markdown, { parser: 'markdown' }),
);
console.log(`\n${markdown}\nwritten to bench/RESULTS.md`);
if (runs.some((run) => run.exitCode !== 0)) process.exitCode = 1;
