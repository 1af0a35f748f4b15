/**
 * Rewrites an extracted answer into one canonical LaTeX spelling, following the rules math-verify
 * (through latex2sympy2_extended's normaliser) applies: style commands, \left/\right, fraction and
 * root shorthands, units and \text{} suffixes, degrees, thousands separators, "and"/"or" lists.
 */

const UNIT_WORDS = [
  'degrees?',
  'deg',
  'units?',
  'sq\\.?\\s*units?',
  'square\\s+units?',
  'cubic\\s+units?',
  'dollars?',
  'cents?',
  'inch(?:es)?',
  'in',
  'feet',
  'foot',
  'ft',
  'yards?',
  'yd',
  'miles?',
  'mi',
  'mph',
  'meters?',
  'metres?',
  'm',
  'cm',
  'mm',
  'km',
  'kg',
  'g',
  'grams?',
  'lbs?',
  'pounds?',
  'ounces?',
  'oz',
  'liters?',
  'litres?',
  'l',
  'ml',
  'gallons?',
  'seconds?',
  'sec',
  's',
  'minutes?',
  'min',
  'hours?',
  'hrs?',
  'days?',
  'weeks?',
  'months?',
  'years?',
  'people',
  'students?',
  'ways',
  'times',
  'points?',
];
const TRAILING_UNIT = new RegExp(
  `(\\d|\\}|\\s)\\s*(?:${UNIT_WORDS.join('|')})(?:\\^\\{?\\d\\}?|²|³)?\\s*$`,
  'i',
);
const TRAILING_TEXT = /(.)\s*\\text\{[^{}]*\}(?:\^\{?\d\}?|²|³)?\s*$/;

/** Replaces every `\cmd{body}` (balanced braces) with `render(body)`. */
export function replaceCommand(text: string, cmd: string, render: (body: string) => string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf(cmd, i);
    if (at < 0) return out + text.slice(i);
    let open = at + cmd.length;
    if (/[a-zA-Z]/.test(text[open] ?? '')) {
      out += text.slice(i, open);
      i = open;
      continue;
    }
    while (text[open] === ' ') open++;
    if (text[open] !== '{') {
      out += text.slice(i, open);
      i = open;
      continue;
    }
    let depth = 0;
    let close = open;
    for (; close < text.length; close++) {
      if (text[close] === '{') depth++;
      else if (text[close] === '}' && --depth === 0) break;
    }
    out += text.slice(i, at) + render(text.slice(open + 1, close));
    i = close + 1;
  }
}

/** `\frac34`, `\frac3{4}`, `\frac{3}4` → `\frac{3}{4}`; `\sqrt3` → `\sqrt{3}`. */
function fixShorthands(text: string): string {
  return text
    .replace(/\\frac\s*(\d)\s*(\d)/g, '\\frac{$1}{$2}')
    .replace(/\\frac\s*(\d)\s*\{/g, '\\frac{$1}{')
    .replace(/\\frac\s*\{([^{}]*)\}\s*(\d)/g, '\\frac{$1}{$2}')
    .replace(/\\frac\s*([a-zA-Z])\s*([a-zA-Z\d])/g, '\\frac{$1}{$2}')
    .replace(/\\sqrt\s*(\d|[a-zA-Z](?![a-zA-Z]))/g, '\\sqrt{$1}')
    .replace(/\^\s*\(([^()]*)\)/g, '^{$1}')
    .replace(/(^|[^\\a-zA-Z])sqrt\s*\(([^()]*)\)/g, '$1\\sqrt{$2}');
}

function stripUnits(text: string): string {
  let out = text;
  for (let pass = 0; pass < 2; pass++) {
    const noText = out.replace(TRAILING_TEXT, '$1').trim();
    if (noText !== '' && noText !== out && !/\\text\{\s*$/.test(noText)) out = noText;
    const noUnit = out.replace(TRAILING_UNIT, '$1').trim();
    if (noUnit !== '' && /[\d}a-zA-Z)]/.test(noUnit)) out = noUnit;
  }
  return out;
}

export function normalise(answer: string): string {
  let s = replaceCommand(answer, '\\boxed', (b) => b);
  s = replaceCommand(s, '\\fbox', (b) => b);
  s = s
    .replace(/\\\\(?=[a-zA-Z])(?![\s\S]*matrix)/g, '\\')
    .replace(/\r?\n|\t/g, ' ')
    .replace(/\\(?:displaystyle|textstyle|scriptstyle)/g, '')
    .replace(
      /\\(?:mathrm|mathbf|mathit|mathsf|textbf|textit|textrm|textnormal|textup|mbox|operatorname)\b/g,
      '\\text',
    )
    .replace(/\\[dtc]frac/g, '\\frac')
    .replace(/\\(?:big|Big|bigg|Bigg)[lr]?(?=[()[\]|.\\])/g, '')
    .replace(/\\m?left\s*\./g, '')
    .replace(/\\m?right\s*\./g, '')
    .replace(/\\m?(?:left|right)\s*(?=[()[\]|]|\\[{}|]|\\[lr]?(?:vert|angle|floor|ceil|brace|brack))/g, '')
    .replace(/\\[lr]brace/g, (m) => (m === '\\lbrace' ? '\\{' : '\\}'))
    .replace(/\\[lr]brack/g, (m) => (m === '\\lbrack' ? '[' : ']'))
    .replace(/(\d)\s*\{\s*,\s*\}\s*(?=\d)/g, '$1')
    .replace(/\\[!,;:]\s*(?=\d)/g, '')
    .replace(/\\(?:[,;:!>]|q?quad)|~/g, ' ')
    .replace(/(^|[^\\])\\ /g, '$1 ')
    .replace(/\\\$|\$/g, '')
    .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree/g, '')
    .replace(/\\text\{\s*\}/g, '')
    .replace(/\\text\{\s*(?:and|or)\s*\}|(?<![a-zA-Z\\])(?:,\s*)?(?:and|or)(?![a-zA-Z])/g, ',')
    // "W(x)=1orW(x)=-1": a connective run into the next function value between two answers.
    .replace(/(?<=[\d)}])(?:and|or)(?=[a-zA-Z]\()/g, ',')
    .replace(/,?\s*\\(?:ldots|dots|cdots)\s*,?/g, ' ')
    .replace(/\\text\{\s*(?:percentage|percent|pct)\s*\}|\s*\b(?:percentage|percent|pct)\b|(?<!\\)%/g, '\\%')
    .replace(/\\(?:leq|leqslant)\b|≤/g, '\\le')
    .replace(/\\(?:geq|geqslant)\b|≥/g, '\\ge')
    .replace(/\\neq\b|≠/g, '\\ne')
    .replace(/\\lt\b/g, '<')
    .replace(/\\gt\b/g, '>')
    .replace(/\\infty|∞|\binfinity\b|(?<![\\a-zA-Z])inf(?![a-zA-Z])/g, '\\infty')
    .replace(/π/g, '\\pi')
    // A base subscript is read as written: 52_8 keeps its digits 52 (never converted to 42), as
    // math-verify does; a subscript on a letter (x_1, 2A_{16}) stays a name.
    .replace(/(?<![\w\\.])(\d+)_\{?(\d{1,2})\}?(?![\w{])/g, '$1')
    .replace(/>=/g, '\\ge ')
    .replace(/<=/g, '\\le ')
    .replace(/!=/g, '\\ne ');
  // "x = 1/3 \\approx 0.33": the approximation after an exact value is dropped; alone, ≈ reads as =.
  s = /=[^=]*\\approx/.test(s) ? s.replace(/\\approx[\s\S]*$/, '') : s.replace(/\\approx/g, '=');
  s = fixShorthands(s);
  s = stripUnits(s.trim());
  s = s.replace(/\s+/g, ' ').replace(/^[\s,;:]+|[\s.,;:]+$/g, '');
  if (s.startsWith('.') && /^\.\d/.test(s)) s = '0' + s;
  return s;
}
