/**
 * The content of the last `\boxed{…}` in a text, braces balanced; null when there is none or it
 * is unclosed. Deliberately simple: answer equivalence belongs to core/verify.
 */
export function lastBoxed(text: string): string | null {
  const start = text.lastIndexOf('\\boxed{');
  if (start < 0) return null;
  let depth = 0;
  for (let i = start + '\\boxed'.length; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(start + '\\boxed{'.length, i);
  }
  return null;
}
