/** Exact arithmetic for template answers, written the way MATH reference answers are. */
export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** p/q in lowest terms as LaTeX: `3`, `-\frac{3}{4}`. */
export function fraction(p: number, q: number): string {
  if (q === 0) throw new Error('fraction with zero denominator');
  const sign = p * q < 0 ? '-' : '';
  const g = gcd(p, q);
  const num = Math.abs(p) / g;
  const den = Math.abs(q) / g;
  return den === 1 ? `${sign}${num}` : `${sign}\\frac{${num}}{${den}}`;
}

export function binomial(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}

export function fallingFactorial(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 0; i < k; i++) result *= BigInt(n - i);
  return result;
}

export function modPow(base: number, exponent: number, modulus: number): number {
  let result = 1 % modulus;
  let b = base % modulus;
  for (let e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

export function divisorCount(n: number): number {
  let count = 1;
  let rest = n;
  for (let p = 2; p * p <= rest; p++) {
    let e = 0;
    while (rest % p === 0) {
      rest /= p;
      e++;
    }
    count *= e + 1;
  }
  return rest > 1 ? count * 2 : count;
}

/** √n as m√r with r square-free: `5`, `5\sqrt{2}`, `\sqrt{7}`. */
export function sqrtSimplified(n: number): string {
  let outside = 1;
  let inside = n;
  for (let f = 2; f * f <= inside; f++) {
    while (inside % (f * f) === 0) {
      inside /= f * f;
      outside *= f;
    }
  }
  if (inside === 1) return String(outside);
  return outside === 1 ? `\\sqrt{${inside}}` : `${outside}\\sqrt{${inside}}`;
}
