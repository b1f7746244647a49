import { InvalidEventPatternError } from './errors';

/**
 * The double a pattern's number stands for. EventBridge compares numbers as IEEE 754 doubles and
 * refuses a number that a double cannot hold exactly (beyond the range, or more digits than a
 * double keeps), e.g. `1e400` or `9007199254740993`.
 */
export function comparableNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || !sameDecimal(text, String(value))) {
    throw new InvalidEventPatternError(`Cannot compare number : ${text}`);
  }
  return value;
}

/** Whether two decimal texts (JSON or JavaScript number syntax) denote the same value. */
function sameDecimal(a: string, b: string): boolean {
  const x = normalize(a);
  const y = normalize(b);
  return x.negative === y.negative && x.digits === y.digits && x.exponent === y.exponent;
}

/** A decimal as sign, significant digits without leading/trailing zeros, and the exponent of the first digit. */
function normalize(text: string): { negative: boolean; digits: string; exponent: number } {
  const match = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (match === null) return { negative: false, digits: text, exponent: 0 };
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match;
  let digits = whole + fraction;
  let exponent = whole.length + Number(exp);
  const leading = /^0*/.exec(digits)![0].length;
  digits = digits.slice(leading).replace(/0+$/, '');
  exponent -= leading;
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  return { negative: sign === '-', digits, exponent };
}
