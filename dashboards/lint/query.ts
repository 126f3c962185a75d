import { parser } from '@prometheus-io/lezer-promql';
import { syntaxProblems } from '../../lib/promql/index.ts';
import type { KnownSeries } from './known-series.ts';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/**
 * Grafana's built-in interval variables, replaced by a distinct duration before parsing so a
 * check can still tell which one a range used.
 */
const grafanaRanges: Record<string, string> = {
  $__rate_interval: '1001s',
  $__interval: '1002s',
  $__range: '1003s',
};
const rateIntervalStandIn = '1001s';

/** Makes a dashboard query parseable: ranges become durations, other variables a marker. */
export function parseable(expr: string): string {
  let text = expr;
  for (const [range, standIn] of Object.entries(grafanaRanges))
    text = text.replaceAll(range, standIn);
  return text.replace(/\$\{?(\w+)\}?/g, '__var_$1__');
}

function text(source: string, node: SyntaxNode): string {
  return source.slice(node.from, node.to);
}

function ancestors(node: SyntaxNode): SyntaxNode[] {
  const chain: SyntaxNode[] = [];
  for (let parent = node.parent; parent !== null; parent = parent.parent) chain.push(parent);
  return chain;
}

function functionName(source: string, call: SyntaxNode): string {
  const id = call.getChild('FunctionIdentifier');
  return id === null ? '' : text(source, id);
}

/** What is wrong with one query against the catalog and the dashboard conventions. */
export function queryProblems(
  expr: string,
  known: ReadonlyMap<string, KnownSeries>,
): { check: string; message: string }[] {
  const source = parseable(expr);
  const problems = syntaxProblems(source).map((message) => ({ check: 'query-parse', message }));
  if (problems.length > 0) return problems;
  const usedLabels: string[] = [];
  const selected: KnownSeries[] = [];
  parser.parse(source).iterate({
    enter(ref) {
      const node = ref.node;
      if (node.name === 'VectorSelector') {
        const id = node.getChild('Identifier');
        const name = id === null ? '' : text(source, id);
        const series = known.get(name);
        if (series === undefined) {
          problems.push({
            check: 'catalog-metric',
            message: `${name || '(no name)'} is not in the catalog`,
          });
          return;
        }
        selected.push(series);
        const matchers = (
          node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []
        ).map((m) => {
          const label = m.getChild('LabelName');
          const value = m.getChild('StringLiteral');
          return {
            label: label === null ? '' : text(source, label),
            value: value === null ? '' : text(source, value),
          };
        });
        const labels = matchers.map((m) => m.label);
        for (const label of labels) {
          if (!series.labels.includes(label)) {
            problems.push({ check: 'catalog-label', message: `${name} has no label ${label}` });
          }
        }
        if (!matchers.some((m) => m.label === 'job' && m.value === '"__var_job__"')) {
          problems.push({ check: 'job-instance', message: `${name} is not restricted to $job` });
        }
        const calls = ancestors(node)
          .filter((a) => a.name === 'FunctionCall')
          .map((c) => functionName(source, c));
        if (
          series.type !== 'gauge' &&
          !['rate', 'increase', 'irate', 'absent', 'resets'].includes(calls[0] ?? '')
        ) {
          problems.push({
            check: 'counter-rate',
            message: `counter ${name} is used outside rate()/increase()`,
          });
        }
      }
      if (node.name === 'FunctionCall') {
        const fn = functionName(source, node);
        if (fn === 'histogram_quantile') {
          const grouping = node
            .getChild('FunctionCallBody')
            ?.getChild('AggregateExpr')
            ?.getChild('AggregateModifier');
          const by =
            grouping?.getChild('By') !== null && grouping !== undefined && grouping !== null;
          const labels =
            grouping
              ?.getChild('GroupingLabels')
              ?.getChildren('LabelName')
              .map((l) => text(source, l)) ?? [];
          if (!by || !labels.includes('le')) {
            problems.push({
              check: 'histogram-le',
              message: 'histogram_quantile() does not aggregate by (le, …)',
            });
          }
        }
        const range = node
          .getChild('FunctionCallBody')
          ?.getChild('MatrixSelector')
          ?.getChild('DurationExpr');
        if (
          ['rate', 'irate'].includes(fn) &&
          (range === null || range === undefined || text(source, range) !== rateIntervalStandIn)
        ) {
          problems.push({
            check: 'rate-interval',
            message: `${fn}() does not use $__rate_interval`,
          });
        }
      }
      if (node.name === 'GroupingLabels') {
        for (const label of node.getChildren('LabelName')) usedLabels.push(text(source, label));
      }
    },
  });
  for (const label of usedLabels) {
    if (!selected.some((s) => s.labels.includes(label))) {
      problems.push({ check: 'catalog-label', message: `no selected series has label ${label}` });
    }
  }
  return problems;
}
