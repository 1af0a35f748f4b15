/** Exact decimal numbers: the fast path that decides most benchmark pairs without a CAS. */

/** A literal number as a reduced fraction; `isFloat` records a decimal point (math-verify rounds those). */
export interface Exact {
  num: bigint;
  den: bigint;
  isFloat: boolean;
}

const MAX_DIGITS = 400;
const DECIMAL = /^(-)?(\d*)(?:\.(\d+))?(?:e([+-]?\d{1,3}))?$/i;
const FRACTION = /^(-)?(\d{1,60})\s*\/\s*(\d{1,60})$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function makeExact(num: bigint, den: bigint, isFloat: boolean): Exact | null {
  if (den === 0n) return null;
  const g = gcd(num, den) || 1n;
  const sign = den < 0n ? -1n : 1n;
  return { num: (sign * num) / g, den: (sign * den) / g, isFloat };
}

/** Parses `-12`, `3.50`, `.5`, `1e-3`, `7/8`; anything else (or absurdly long) is null. */
export function parseExact(text: string): Exact | null {
  if (text.length > MAX_DIGITS) return null;
  const fraction = FRACTION.exec(text);
  if (fraction) {
    const sign = fraction[1] ? -1n : 1n;
    return makeExact(sign * BigInt(fraction[2]!), BigInt(fraction[3]!), false);
  }
  const m = DECIMAL.exec(text);
  if (!m || (!m[2] && !m[3])) return null;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  let num = BigInt(digits || '0');
  let den = 10n ** BigInt(m[3]?.length ?? 0);
  const exponent = Number(m[4] ?? 0);
  if (exponent > 0) num *= 10n ** BigInt(exponent);
  if (exponent < 0) den *= 10n ** BigInt(-exponent);
  return makeExact(m[1] ? -num : num, den, m[3] !== undefined || m[4] !== undefined);
}

export function exactEqual(a: Exact, b: Exact): boolean {
  return a.num === b.num && a.den === b.den;
}

/** Rounds half away from zero to `places` decimals, exactly, as an integer count of 10^-places. */
export function roundExact(x: Exact, places: number): bigint {
  const scaled = x.num * 10n ** BigInt(places);
  const q = scaled / x.den;
  const r = scaled % x.den;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice >= x.den) return scaled < 0n ? q - 1n : q + 1n;
  return q;
}

/** True when two exact numbers agree after math-verify's rule: round to `places` when either is a float. */
export function exactMatches(a: Exact, b: Exact, places: number): boolean {
  if (a.isFloat || b.isFloat) return roundExact(a, places) === roundExact(b, places);
  return exactEqual(a, b);
}
