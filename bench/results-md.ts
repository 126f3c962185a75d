/** Renders bench/RESULTS.md from the runs of `npm run bench`. Pure: all inputs passed in. */
import { meetsBar, type Figure } from './support/figures.ts';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
}

export interface BenchRun {
  readonly name: string;
  /** Exit status of the benchmark process (non-zero when a bar was missed or it failed). */
  readonly exitCode: number;
  readonly seconds: number;
  /** Path of its JSON output, relative to the repository; undefined when it wrote none. */
  readonly output: string | undefined;
  readonly figures: readonly Figure[];
}

export interface ResultsInput {
  readonly date: string;
  readonly node: string;
  readonly command: string;
  readonly quick: boolean;
  readonly machine: Machine;
  readonly runs: readonly BenchRun[];
}

const formatNumber = (value: number): string =>
  Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);

function verdict(figure: Figure): string {
  const meets = meetsBar(figure);
  return meets === undefined ? '' : meets ? 'pass' : '**FAIL**';
}

export function renderResults(input: ResultsInput): string {
  const { machine } = input;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`${input.command}\` (bench/run.ts); do not edit by hand.`,
    `Bars: ARCHITECTURE.md, "Bars the product must reach".`,
    '',
    `- Date: ${input.date}`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, ${machine.os}`,
    `- Node: ${input.node}`,
    `- Mode: ${input.quick ? 'quick (smaller runs: indicative only, not a verdict on the bars)' : 'full'}`,
    '',
    '| benchmark | figure | measured | bar | verdict |',
    '|---|---|---|---|---|',
  ];
  for (const run of input.runs) {
    if (run.figures.length === 0) {
      const why = run.output === undefined ? 'wrote no JSON output' : `no figures in ${run.output}`;
      lines.push(`| ${run.name} | — | — | — | **no result** (${why}, exit ${run.exitCode}) |`);
      continue;
    }
    for (const figure of run.figures) {
      const measured =
        figure.measured === null
          ? 'not measured'
          : `${formatNumber(figure.measured)} ${figure.unit}`;
      const bar =
        figure.bar === undefined
          ? ''
          : `${figure.bar.op === '>=' ? '≥' : '≤'} ${formatNumber(figure.bar.value)} ${figure.unit}`;
      lines.push(`| ${run.name} | ${figure.name} | ${measured} | ${bar} | ${verdict(figure)} |`);
    }
  }
  lines.push('', '| benchmark | exit status | wall time | JSON output |', '|---|---|---|---|');
  for (const run of input.runs) {
    lines.push(
      `| ${run.name} | ${run.exitCode} | ${Math.round(run.seconds)} s | ${run.output ?? '—'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
