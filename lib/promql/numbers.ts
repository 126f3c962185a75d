/**
 * Numbers in expressions. Thresholds are decimal strings ("0.0144") or integers, printed as
 * written, so a rule never shows a float artefact such as 0.014400000000000001.
 */
export type Decimal = `${number}`;
export type Num = number | Decimal;

const decimalPattern = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export function formatNumber(value: Num): string {
  if (typeof value === 'string') {
    if (!decimalPattern.test(value)) {
      throw new RangeError(`promql: "${value}" is not a plain decimal number`);
    }
    return value;
  }
  const text = String(value);
  // A float that needs more than 15 significant digits to round-trip is an arithmetic artefact.
  const clean = Number.isFinite(value) && Number(value.toPrecision(15)) === value;
  if (!clean || !decimalPattern.test(text)) {
    throw new RangeError(
      `promql: ${text} cannot be written exactly; pass it as a decimal string instead`,
    );
  }
  return text;
}
