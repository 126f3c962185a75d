/**
 * Exact decimal arithmetic for SLO thresholds. Objectives are decimal strings and burn-rate
 * factors are decimals, so `14.4 × (1 − 0.999)` must print `0.0144`, never the float
 * `0.014400000000000001`: everything is a reduced fraction of big integers until it is printed.
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const decimalText = /^(-?)(\d+)(?:\.(\d+))?$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduce(num: bigint, den: bigint): Rational {
  if (den === 0n) throw new RangeError('slo: division by zero');
  const sign = den < 0n ? -1n : 1n;
  const divisor = gcd(num, den < 0n ? -den : den) || 1n;
  return { num: (sign * num) / divisor, den: (sign * den) / divisor };
}

export function rational(value: string | number | bigint): Rational {
  if (typeof value === 'bigint') return { num: value, den: 1n };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RangeError(`slo: pass ${value} as a decimal string`);
    return { num: BigInt(value), den: 1n };
  }
  const match = decimalText.exec(value);
  if (match === null) throw new RangeError(`slo: "${value}" is not a decimal number`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  return reduce(BigInt(`${sign}${whole}${fraction}`), 10n ** BigInt(fraction.length));
}

export const mul = (a: Rational, b: Rational): Rational => reduce(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => reduce(a.num * b.den, a.den * b.num);
export const sub = (a: Rational, b: Rational): Rational =>
  reduce(a.num * b.den - b.num * a.den, a.den * b.den);
export const lessThan = (a: Rational, b: Rational): boolean => a.num * b.den < b.num * a.den;

/** The largest integer not above the value. */
export function floor(value: Rational): bigint {
  const quotient = value.num / value.den;
  return value.num < 0n && quotient * value.den !== value.num ? quotient - 1n : quotient;
}

/** The exact decimal text; refuses fractions such as 1/3 that have none. */
export function toDecimal(value: Rational): `${number}` {
  let rest = value.den;
  let twos = 0;
  let fives = 0;
  for (; rest % 2n === 0n; rest /= 2n) twos += 1;
  for (; rest % 5n === 0n; rest /= 5n) fives += 1;
  if (rest !== 1n)
    throw new RangeError(`slo: ${value.num}/${value.den} has no finite decimal form`);
  // A denominator 2^a·5^b divides 10^max(a, b), so this division is exact.
  const digits = Math.max(twos, fives);
  const scaled = (value.num * 10n ** BigInt(digits)) / value.den;
  const negative = scaled < 0n;
  const text = (negative ? -scaled : scaled).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}` as `${number}`;
}
