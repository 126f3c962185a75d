import { parser } from '@prometheus-io/lezer-promql';

/**
 * Syntax problems of a PromQL expression, as found by Prometheus's own grammar
 * (`@prometheus-io/lezer-promql`); empty when it parses. Grafana variables must be expanded first.
 */
export function syntaxProblems(text: string): string[] {
  const problems: string[] = [];
  if (text.trim() === '') return ['empty expression'];
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) {
        const near = text.slice(node.from, Math.min(text.length, node.from + 20));
        problems.push(`syntax error at ${node.from}${near === '' ? ' (end)' : ` near "${near}"`}`);
      }
    },
  });
  return problems;
}
