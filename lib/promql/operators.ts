import { makeExpr, operand, sortedUnique, type Expr, type ExprUnit } from './expr.ts';
import { formatNumber, type Num } from './numbers.ts';

type Vector<L extends string> = Expr<'aggregated', L>;
type Scalar = Expr<'scalar', never>;
type Operand<L extends string> = Vector<L> | Scalar | Num;

export interface Matching<O extends string> {
  /** Match on these labels only; the result then carries exactly them (one-to-one). */
  readonly on: readonly O[];
}

function toExpr<L extends string>(value: Operand<L>): Vector<L> | Scalar {
  if (typeof value === 'object') return value;
  return makeExpr({
    kind: 'scalar',
    text: formatNumber(value),
    labels: [],
    unit: 'none',
    atomic: true,
    selectors: [],
  });
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

/** Labels of a vector-vector result; throws when the two sides cannot match one-to-one. */
function resultLabels(
  op: string,
  left: Vector<string> | Scalar,
  right: Vector<string> | Scalar,
  on: readonly string[] | undefined,
  keepLeft: boolean,
): readonly string[] {
  if (left.kind === 'scalar') return right.labels;
  if (right.kind === 'scalar') return left.labels;
  if (on !== undefined) {
    const labels = sortedUnique(on);
    const missing = labels.filter((l) => !left.labels.includes(l) || !right.labels.includes(l));
    if (missing.length > 0) {
      throw new RangeError(
        `promql: on (${missing.join(', ')}) is not carried by both sides of ${op}`,
      );
    }
    return keepLeft ? left.labels : labels;
  }
  if (!sameLabels(left.labels, right.labels)) {
    throw new RangeError(
      `promql: the sides of ${op} carry different labels (${left.labels.join(', ')} vs ${right.labels.join(', ')}); match them with on (…)`,
    );
  }
  return left.labels;
}

function binary(
  op: string,
  left: Vector<string> | Scalar,
  right: Vector<string> | Scalar,
  matching: Matching<string> | undefined,
  unit: ExprUnit,
  keepLeft = false,
): Expr<'aggregated' | 'scalar'> {
  const labels = resultLabels(op, left, right, matching?.on, keepLeft);
  const modifier = matching === undefined ? '' : ` on (${sortedUnique(matching.on).join(', ')})`;
  const scalar = left.kind === 'scalar' && right.kind === 'scalar';
  return makeExpr({
    kind: scalar ? 'scalar' : 'aggregated',
    text: `${operand(left)} ${op}${modifier} ${operand(right)}`,
    labels,
    unit,
    atomic: false,
    selectors: [...left.selectors, ...right.selectors],
  });
}

function arithmeticUnit(op: string, left: Expr, right: Expr): ExprUnit {
  const numberOnly = (e: Expr) => e.kind === 'scalar' && e.unit === 'none';
  if (op === '/' && left.unit === right.unit && left.unit !== 'none') return 'ratio';
  if (op === '-' && left.unit === 'timestamp' && right.unit === 'timestamp') return 'seconds';
  if (numberOnly(right)) return left.unit;
  if (numberOnly(left)) return right.unit;
  return left.unit === right.unit ? left.unit : 'none';
}

type Result<L extends string, O extends string> = [O] extends [never] ? Vector<L> : Vector<O>;

function arithmetic(op: '+' | '-' | '*' | '/') {
  return <L extends string, O extends string = never>(
    left: Operand<L>,
    right: Operand<L>,
    matching?: Matching<O>,
  ): Result<L, O> => {
    const a = toExpr(left);
    const b = toExpr(right);
    if (a.kind === 'scalar' && b.kind === 'scalar') {
      throw new TypeError(`promql: ${a.text} ${op} ${b.text} has no vector side`);
    }
    return binary(op, a, b, matching, arithmeticUnit(op, a, b)) as Result<L, O>;
  };
}

export const add = arithmetic('+');
export const sub = arithmetic('-');
export const mul = arithmetic('*');
export const div = arithmetic('/');

/** Filtering comparisons: the result is the left side's series where the comparison holds. */
function comparison(op: '>' | '<' | '>=' | '<=' | '==' | '!=') {
  return <L extends string, O extends string = never>(
    left: Vector<L>,
    right: Operand<string>,
    matching?: Matching<O>,
  ): Result<L, O> => {
    const b = toExpr(right);
    return binary(op, left, b, matching, left.unit) as Result<L, O>;
  };
}

export const gt = comparison('>');
export const lt = comparison('<');
export const gte = comparison('>=');
export const lte = comparison('<=');
export const eq = comparison('==');
export const ne = comparison('!=');

/** Set operators keep the left side's series (and labels) where the right side has (no) match. */
function setOperator(op: 'and' | 'unless') {
  return <L extends string, R extends string>(
    left: Vector<L>,
    right: Vector<R>,
    matching?: Matching<L & R>,
  ): Vector<L> => binary(op, left, right, matching, left.unit, true) as Vector<L>;
}

export const and = setOperator('and');
export const unless = setOperator('unless');
