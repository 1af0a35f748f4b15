/**
 * Multiple-choice letters, with math-verify's string-extraction priorities: "final answer is X",
 * "answer: X", "answer ... X", a letter opening the response, then any standalone letter.
 * Within one priority the match that ends last wins.
 */

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The chosen letter (lowercased unless `lowercase` is false), or null when none stands out. */
export function extractChoice(
  response: string,
  choices: readonly string[] = ['A', 'B', 'C', 'D'],
  lowercase = true,
): string | null {
  const keys = `(${choices.map(escape).join('|')})`;
  const suffix = '(?:\\*\\*)?(?:[.,:\\s]|$)';
  const standalone = `(?:^|\\s)(?:\\*\\*)?${keys}${suffix}`;
  const tiers = [
    `[Ff][Ii][Nn][Aa][Ll] [Aa][Nn][Ss][Ww][Ee][Rr] [Ii][Ss]:?\\s*${keys}\\.?\\s?I hope`,
    `[Ff][Ii][Nn][Aa][Ll] [Aa][Nn][Ss][Ww][Ee][Rr].{0,100}?\\s+[Ii][Ss]:?\\s*${keys}`,
    `[Aa][Nn][Ss][Ww][Ee][Rr]:.{0,50}?${standalone}`,
    `[Aa][Nn][Ss][Ww][Ee][Rr].{0,50}?${standalone}`,
    `^(?:\\*\\*)?${keys}${suffix}`,
    standalone,
  ];
  const text = response.length > 50_000 ? response.slice(-50_000) : response;
  for (const tier of tiers) {
    let best: { end: number; key: string } | null = null;
    for (const m of text.matchAll(new RegExp(tier, 'g'))) {
      const key = m.slice(1).find((g) => g !== undefined);
      const end = m.index + m[0].length;
      if (key && (!best || end >= best.end)) best = { end, key };
    }
    if (best) return lowercase ? best.key.toLowerCase() : best.key;
  }
  return null;
}
