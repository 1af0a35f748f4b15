/**
 * Finds the final answer in a model response, with math-verify's priorities: the last \boxed{} or
 * \fbox{} (or a "final answer is ... I hope" sentence after it), then "final answer ... is", then
 * "answer:"/"answer" followed by math, then the last math block or plain number. All scans are
 * linear; only the tail of a huge response is read, since the answer is at its end.
 */

export type ExtractHow = 'boxed' | 'final-answer' | 'answer-label' | 'latex' | 'number' | 'whole' | 'none';

export interface Extraction {
  /** The answer text (LaTeX without delimiters, or a plain number), or null when none was found. */
  answer: string | null;
  how: ExtractHow;
}

/** Responses longer than this are read from their tail only. */
export const MAX_SCAN_CHARS = 50_000;

interface Span {
  start: number;
  end: number;
  text: string;
  /** Plain-text numbers follow number rules (decimal commas, spaced thousands); LaTeX does not. */
  plain: boolean;
}

const SEPARATOR_BETWEEN_MATH = /^\s*(?:,?\s*and|,?\s*or|,)\s*$/i;
const PERCENT_AFTER = /^\s*(?:\\?%|percentage|percent|pct)/i;
const NUMBER =
  /(?:^|(?<=[\s=]))(?:\*\*)?[$€£¥₹]?(-?(?:[1-9]\d{0,2}(?:[ ,]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|\.\d+))(?:\s*(%|percentage|percent|pct))?/gi;
const SIMPLE_EXPR =
  /(?:^|(?<=[\s=]))(-?\(?-?\d+(?:\.\d+)?(?:\s*[-+*×/^÷]\s*\(?-?\d+(?:\.\d+)?\)?)+)(?=\*\*|[.,:\s)$]|$)/g;
const PLAIN_FRACTION = /-?\\frac\{-?\d+(?:[.,]\d+)?\}\{-?\d+(?:[.,]\d+)?\}/g;
const WORDS = /[A-Za-z]{2,}\s+[A-Za-z]{2,}/;
const MATH_MARKERS = /(?<!\\)\$|\\\[|\\\(|\\boxed|\\fbox/;
const BARE_MAX_CHARS = 300;

/** Every $$…$$, \[…\], $…$ and \(…\) block, in order; inline blocks stay on one line. */
function mathBlocks(text: string): Span[] {
  const spans: Span[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const escaped = i > 0 && text[i - 1] === '\\';
    let open = '';
    let close = '';
    if (c === '$' && !escaped) [open, close] = text[i + 1] === '$' ? ['$$', '$$'] : ['$', '$'];
    else if (c === '\\' && text[i + 1] === '[' && !escaped) [open, close] = ['\\[', '\\]'];
    else if (c === '\\' && text[i + 1] === '(' && !escaped) [open, close] = ['\\(', '\\)'];
    if (!open) {
      i++;
      continue;
    }
    const from = i + open.length;
    let end = text.indexOf(close, from);
    while (end > 0 && text[end - 1] === '\\' && close.startsWith('$')) end = text.indexOf(close, end + 1);
    const inline = open === '$' || open === '\\(';
    const body = end < 0 ? '' : text.slice(from, end);
    const digitBefore = open === '$' && i > 0 && /\d/.test(text[i - 1]!);
    if (end < 0 || (inline && body.includes('\n')) || body.trim() === '' || digitBefore) {
      // An unclosed $$ may still be a $ that opens an inline block: step over one character only.
      i += open === '$$' ? 1 : open.length;
      continue;
    }
    spans.push({ start: i, end: end + close.length, text: body, plain: false });
    i = end + close.length;
  }
  return spans;
}

/** Plain-text numbers may use spaced or comma thousands and a decimal comma: rewrite to `1234.5`. */
function plainNumberText(raw: string): string {
  if (/^-?[1-9]\d{0,2}(?:[ ,]\d{3})+(?:\.\d+)?$/.test(raw)) return raw.replace(/[ ,]/g, '');
  return /^-?\d+,\d+$/.test(raw) ? raw.replace(',', '.') : raw;
}

function plainNumbers(text: string): Span[] {
  const spans: Span[] = [];
  for (const re of [NUMBER, SIMPLE_EXPR]) {
    for (const m of text.matchAll(re)) {
      const value = re === NUMBER ? plainNumberText(m[1]!) : m[1]!;
      const pct = re === NUMBER && m[2] ? '\\%' : '';
      spans.push({ start: m.index, end: m.index + m[0].length, text: value + pct, plain: true });
    }
  }
  for (const m of text.matchAll(PLAIN_FRACTION)) {
    spans.push({ start: m.index, end: m.index + m[0].length, text: m[0], plain: false });
  }
  return spans;
}

/** The content of the brace group opening at `open`, or the rest of the text when it never closes. */
function braceGroup(text: string, open: number): { body: string; end: number } {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return { body: text.slice(open + 1, i), end: i + 1 };
  }
  return { body: text.slice(open + 1), end: text.length };
}

interface Boxed {
  start: number;
  end: number;
  body: string;
}

function lastBoxedRun(text: string): Boxed[] {
  const run: Boxed[] = [];
  let limit = text.length;
  for (;;) {
    const start = Math.max(text.lastIndexOf('\\boxed', limit - 1), text.lastIndexOf('\\fbox', limit - 1));
    if (start < 0) break;
    let open = start + (text.startsWith('\\boxed', start) ? 6 : 5);
    while (open < text.length && /\s/.test(text[open]!)) open++;
    if (text[open] !== '{') {
      if (run.length === 0 && open < text.length) {
        run.push({ start, end: text.length, body: text.slice(open).split(/[\s$]/)[0] ?? '' });
      }
      break;
    }
    const { body, end } = braceGroup(text, open);
    if (end > limit && run.length > 0) break;
    const next = run[0];
    if (next) {
      const between = text.slice(end, next.start);
      const close = between.length < 10;
      const separated =
        between.length < 70 && /\b(?:and|or)\b|,|;/.test(between) && body.trim() !== next.body;
      if (!close && !separated) break;
    }
    if (!next || next.body !== body.trim()) run.unshift({ start, end, body: body.trim() });
    limit = start;
  }
  return run;
}

/** Joins a block with the blocks just before it that are separated by "and", "or" or commas. */
function withConnected(blocks: Span[], index: number, text: string): Span[] {
  const chain = [blocks[index]!];
  for (let i = index - 1; i >= 0 && chain.length < 6; i--) {
    const between = text.slice(blocks[i]!.end, chain[0]!.start);
    if (!SEPARATOR_BETWEEN_MATH.test(between)) break;
    chain.unshift(blocks[i]!);
  }
  return chain;
}

function spanAnswer(chain: Span[], text: string): string {
  const last = chain[chain.length - 1]!;
  const pct = PERCENT_AFTER.test(text.slice(last.end, last.end + 12)) ? '\\%' : '';
  return chain.map((s) => s.text.trim()).join(', ') + pct;
}

/** The first block (math before numbers) that starts within `window` characters after `from`. */
function firstAfter(candidates: Span[], from: number, window: number): number {
  let best = -1;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (c.start < from || c.start > from + window) continue;
    if (best < 0 || c.start < candidates[best]!.start) best = i;
  }
  return best;
}

function anchored(text: string, anchor: RegExp, window: number, blocks: Span[]): Span[] | null {
  let found: Span[] | null = null;
  for (const m of text.matchAll(anchor)) {
    const i = firstAfter(blocks, m.index + m[0].length, window);
    if (i < 0) continue;
    const chain = blocks[i]!.plain ? [blocks[i]!] : withConnected(blocks, i, text);
    if (!found || chain[chain.length - 1]!.end >= found[found.length - 1]!.end) found = chain;
  }
  return found;
}

function looksBare(text: string): boolean {
  if (text.length > BARE_MAX_CHARS || MATH_MARKERS.test(text)) return false;
  const withoutText = text.replace(/\\(?:text|mbox|mathrm)\{[^{}]*\}/g, ' ').replace(/\\[a-zA-Z]+/g, ' ');
  return !WORDS.test(withoutText);
}

export function extractAnswer(response: string): Extraction {
  const text = response.length > MAX_SCAN_CHARS ? response.slice(-MAX_SCAN_CHARS) : response;
  if (text.trim() === '') return { answer: null, how: 'none' };
  if (looksBare(text)) {
    const bare = text.trim();
    return { answer: /^-?\d[\d ,]*(?:\.\d+)?$/.test(bare) ? plainNumberText(bare) : bare, how: 'whole' };
  }

  const blocks = mathBlocks(text);
  const hopeful = anchored(text, /final answer is:?\s*/gi, 2, blocks);
  const boxed = lastBoxedRun(text);
  const lastBox = boxed[boxed.length - 1];
  const hopefulChain =
    hopeful && /^\.?\s?I hope/.test(text.slice(hopeful[hopeful.length - 1]!.end)) ? hopeful : null;
  if (lastBox && !(hopefulChain && hopefulChain[0]!.start > lastBox.end)) {
    return { answer: boxed.map((b) => b.body).join(', '), how: 'boxed' };
  }

  const candidates = [...blocks, ...plainNumbers(text)].sort((a, b) => a.start - b.start || b.end - a.end);
  const finalAnswer = hopefulChain ?? anchored(text, /final answer.{0,100}?\sis:?\s*/gi, 2, candidates);
  if (finalAnswer) return { answer: spanAnswer(finalAnswer, text), how: 'final-answer' };
  const labelled =
    anchored(text, /answer\s*:/gi, 50, candidates) ?? anchored(text, /answer/gi, 50, candidates);
  if (labelled) return { answer: spanAnswer(labelled, text), how: 'answer-label' };

  const lastEnd = Math.max(...candidates.map((c) => c.end));
  const lastIndex = candidates.findLastIndex((c) => c.end === lastEnd);
  if (lastIndex < 0) return { answer: null, how: 'none' };
  const last = candidates[lastIndex]!;
  if (last.plain) return { answer: spanAnswer([last], text), how: 'number' };
  const inBlocks = blocks.indexOf(last);
  const chain = inBlocks < 0 ? [last] : withConnected(blocks, inBlocks, text);
  return { answer: spanAnswer(chain, text), how: 'latex' };
}
