import type { LabelSpec, LabelSpecs, LabelValueOf } from '../../catalog/types.ts';

/**
 * How a query restricts one label. Closed labels (a `values` list in the catalog) only take
 * declared values, so a value the catalog does not declare fails `tsc`; regular expressions are
 * for open labels only. `variable` selects by a dashboard variable (`=~"$name"`).
 */
export type Matcher<V extends string> =
  | V
  | { readonly not: V }
  | { readonly oneOf: readonly [V, ...V[]] }
  | { readonly noneOf: readonly [V, ...V[]] }
  | { readonly variable: string }
  | (string extends V ? { readonly re: string } | { readonly notRe: string } : never);

/** Matchers for the labels a series declares; any other label name fails `tsc`. */
export type LabelMatchers<L extends LabelSpecs> = {
  readonly [K in keyof L & string]?: Matcher<LabelValueOf<L[K]>>;
};

export type AnyMatcher = Matcher<string>;

const regexMeta = /[.*+?^${}()|[\]\\]/g;

/** Escapes a literal so a regular expression matches exactly it. */
export function regexLiteral(value: string): string {
  return value.replace(regexMeta, '\\$&');
}

/** Quotes a label value as a PromQL string (double quotes, backslash escapes). */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `name="v"`, `name=~"a|b"` … for one matcher. */
export function renderMatcher(name: string, matcher: AnyMatcher): string {
  if (typeof matcher === 'string') return `${name}=${quote(matcher)}`;
  if ('not' in matcher) return `${name}!=${quote(matcher.not)}`;
  if ('oneOf' in matcher) return `${name}=~${quote(matcher.oneOf.map(regexLiteral).join('|'))}`;
  if ('noneOf' in matcher) return `${name}!~${quote(matcher.noneOf.map(regexLiteral).join('|'))}`;
  if ('variable' in matcher) return `${name}=~${quote(`$${matcher.variable}`)}`;
  if ('re' in matcher) return `${name}=~${quote(matcher.re)}`;
  return `${name}!~${quote(matcher.notRe)}`;
}

/** True when the matcher pins the label to one value, so `absent()` keeps it as a label. */
export function isEquality(matcher: AnyMatcher): matcher is string {
  return typeof matcher === 'string';
}

function literalValues(matcher: AnyMatcher): readonly string[] | 'regex' | 'variable' {
  if (typeof matcher === 'string') return [matcher];
  if ('not' in matcher) return [matcher.not];
  if ('oneOf' in matcher) return matcher.oneOf;
  if ('noneOf' in matcher) return matcher.noneOf;
  return 'variable' in matcher ? 'variable' : 'regex';
}

/** Rejects values outside a closed label's set at run time too (the type already does). */
export function checkMatcher(
  metric: string,
  name: string,
  spec: LabelSpec,
  matcher: AnyMatcher,
): void {
  if (!('values' in spec)) return;
  const values = literalValues(matcher);
  if (values === 'variable') return;
  if (values === 'regex') {
    throw new TypeError(
      `promql: ${metric}{${name}} is a closed label; list its values instead of a regex`,
    );
  }
  for (const value of values) {
    if (!spec.values.includes(value)) {
      throw new RangeError(`promql: ${metric}{${name}="${value}"} is not declared in the catalog`);
    }
  }
}
