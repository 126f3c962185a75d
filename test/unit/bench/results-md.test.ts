import { describe, expect, it } from 'vitest';
import { renderResults, type ResultsInput } from '../../../bench/results-md.ts';

const input = (): ResultsInput => ({
  date: '2026-11-28T21:00:00.000Z',
  node: 'v24.21.0',
  command: 'npm run bench -- --quick',
  quick: true,
  machine: { cpuModel: 'Test CPU', cores: 2, memoryBytes: 8 * 2 ** 30, os: 'Linux 6.1' },
  runs: [
    {
      name: 'search',
      exitCode: 0,
      seconds: 61.4,
      output: 'bench/results/search.json',
      figures: [
        { name: 'ingest', measured: 812, unit: 'docs/s', bar: { op: '>=', value: 500 } },
        { name: 'p99 10k', measured: null, unit: 'ms', bar: { op: '<=', value: 15 } },
        { name: 'p99 1k', measured: 3.456, unit: 'ms' },
      ],
    },
    {
      name: 'agent',
      exitCode: 1,
      seconds: 20,
      output: 'bench/results/agent-x.json',
      figures: [{ name: 'rss', measured: 130, unit: 'MB', bar: { op: '<=', value: 120 } }],
    },
    { name: 'overhead', exitCode: 1, seconds: 2, output: undefined, figures: [] },
  ],
});

describe('bench/RESULTS.md', () => {
  it('puts each figure beside its bar with a verdict, and names machine, date, Node and command', () => {
    expect(renderResults(input())).toBe(
      [
        '# Benchmark results',
        '',
        'Written by `npm run bench -- --quick` (bench/run.ts); do not edit by hand.',
        'Bars: ARCHITECTURE.md, "Bars the product must reach".',
        '',
        '- Date: 2026-11-28T21:00:00.000Z',
        '- Machine: Test CPU, 2 cores, 8.0 GiB RAM, Linux 6.1',
        '- Node: v24.21.0',
        '- Mode: quick (smaller runs: indicative only, not a verdict on the bars)',
        '',
        '| benchmark | figure | measured | bar | verdict |',
        '|---|---|---|---|---|',
        '| search | ingest | 812 docs/s | ≥ 500 docs/s | pass |',
        '| search | p99 10k | not measured | ≤ 15 ms |  |',
        '| search | p99 1k | 3.46 ms |  |  |',
        '| agent | rss | 130 MB | ≤ 120 MB | **FAIL** |',
        '| overhead | — | — | — | **no result** (wrote no JSON output, exit 1) |',
        '',
        '| benchmark | exit status | wall time | JSON output |',
        '|---|---|---|---|',
        '| search | 0 | 61 s | bench/results/search.json |',
        '| agent | 1 | 20 s | bench/results/agent-x.json |',
        '| overhead | 1 | 2 s | — |',
        '',
      ].join('\n'),
    );
  });
});
