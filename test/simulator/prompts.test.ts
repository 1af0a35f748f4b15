import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PROMPTS,
  detectPrompt,
  getPrompt,
  parseAnswer,
  type ProjectPrompt,
  type PromptName,
} from '../../core/prompts/index.js';
import { lastBoxed } from '../../core/prompts/boxed.js';

const fenced = (body: string): string => `Plan: combine the concepts.\n\n\`\`\`problem\n${body}\n\`\`\``;
const reason = (name: string, text: string): string => {
  const r = parseAnswer(name, text);
  assert.equal(r.ok, false, `expected ${name} to reject: ${text}`);
  return r.ok ? '' : r.reason;
};

void describe('lastBoxed', () => {
  void it('takes the last box and balances nested braces', () => {
    assert.equal(lastBoxed('first \\boxed{1}, finally \\boxed{\\frac{3}{4}}.'), '\\frac{3}{4}');
    assert.equal(lastBoxed('no box here'), null);
    assert.equal(lastBoxed('unclosed \\boxed{\\frac{1}{2}'), null);
  });
});

void describe('solve', () => {
  void it('keeps the whole text and the boxed answer', () => {
    const text = 'We add: 2 + 2 = 4.\n\nSo the answer is $\\boxed{4}$.';
    assert.deepEqual(parseAnswer('solve', text), { ok: true, value: { solution: text, boxed: '4' } });
  });
  void it('rejects a solution without a final box, or with an empty one', () => {
    assert.match(reason('solve', 'The answer is 4.'), /no final answer in \\boxed/);
    assert.match(reason('solve', 'so \\boxed{ }'), /empty/);
  });
});

void describe('classify', () => {
  void it('reads the last Category line, tolerant of case, markup and "and"', () => {
    assert.deepEqual(parseAnswer('classify', '## Math domains\nGeometry\n\nCategory: Geometry'), {
      ok: true,
      value: 'Geometry',
    });
    assert.deepEqual(parseAnswer('classify', '**Category:** counting and probability.'), {
      ok: true,
      value: 'Counting & Probability',
    });
    assert.deepEqual(
      parseAnswer('classify', 'Category: Algebra\n...on reflection\nCategory: Intermediate_Algebra'),
      {
        ok: true,
        value: 'Intermediate Algebra',
      },
    );
  });
  void it('rejects a missing line and an unknown category', () => {
    assert.match(reason('classify', 'It is a geometry problem.'), /no "Category/);
    assert.match(reason('classify', 'Category: Topology'), /unknown category "Topology"/);
  });
});

void describe('extractConcepts', () => {
  void it('reads a ```json fenced list, or a bare list on its own line', () => {
    const text = 'Analysis: ...\n```json\n["modular arithmetic", " Euler\'s theorem "]\n```';
    assert.deepEqual(parseAnswer('extractConcepts', text), {
      ok: true,
      value: ['modular arithmetic', "Euler's theorem"],
    });
    assert.deepEqual(parseAnswer('extractConcepts', 'Step [1] done.\n["a", "b"]'), {
      ok: true,
      value: ['a', 'b'],
    });
  });
  void it('rejects non-lists, non-JSON, empty lists and empty strings', () => {
    assert.match(reason('extractConcepts', '```json\n{"concepts": ["a"]}\n```'), /not a JSON list/);
    assert.match(reason('extractConcepts', "```json\n['a', 'b']\n```"), /not valid JSON/);
    assert.match(reason('extractConcepts', '```json\n[]\n```'), /empty/);
    assert.match(reason('extractConcepts', '```json\n["a", "  "]\n```'), /1: empty concept/);
    assert.match(reason('extractConcepts', 'Concepts: algebra, numbers'), /no JSON list/);
  });
});

void describe('problem blocks (generateProblem, examine, refine)', () => {
  for (const name of ['generateProblem', 'examine', 'refine'] as const) {
    void it(`${name}: takes the one fenced problem`, () => {
      assert.deepEqual(parseAnswer(name, fenced('  How many positive divisors does 360 have?  ')), {
        ok: true,
        value: 'How many positive divisors does 360 have?',
      });
    });
  }
  void it('rejects each malformed shape with its reason', () => {
    assert.match(reason('generateProblem', 'Problem: How many divisors does 12 have?'), /no ```problem/);
    assert.match(
      reason('generateProblem', `${fenced('What is 1+1?')}\n${fenced('What is 2+2?')}`),
      /2 problem blocks/,
    );
    assert.match(reason('generateProblem', fenced('   ')), /empty/);
    assert.match(reason('examine', fenced('Prove that there are infinitely many primes.')), /proof/);
    assert.match(reason('examine', fenced('Show that $n^2 \\ge n$ for all $n$.')), /proof/);
    assert.match(reason('refine', fenced('What is $2+2$? (A) 3 (B) 4 (C) 5')), /multiple-choice/);
    assert.match(reason('refine', fenced('True or false: 7 is prime.')), /multiple-choice or true\/false/);
    assert.match(reason('generateProblem', fenced('(a) Find $x$ if $2x=4$.\n(b) Find $x^2$.')), /sub-parts/);
  });
  void it('does not mistake function notation for sub-parts', () => {
    assert.equal(
      parseAnswer('generateProblem', fenced('Let $f(a)=a^2$. Find $f(a)+f(b)$ when $a=1$, $b=2$.')).ok,
      true,
    );
  });
});

void describe('judgeProblem', () => {
  void it('reads the five criteria and the verdict', () => {
    const text = [
      'FORMAT: Perfect - one question.',
      '**FACTUAL ACCURACY**: Rating: Acceptable - a loose phrase.',
      'DIFFICULTY ALIGNMENT: Perfect',
      'CONCEPT COVERAGE: Bad - misses the concepts.',
      'SOLVABILITY: Perfect - it gives the information needed.',
      '',
      'Final Judgement: bad',
    ].join('\n');
    assert.deepEqual(parseAnswer('judgeProblem', text), {
      ok: true,
      value: {
        criteria: {
          format: 'perfect',
          factualAccuracy: 'acceptable',
          difficultyAlignment: 'perfect',
          conceptCoverage: 'bad',
          solvability: 'perfect',
        },
        verdict: 'bad',
      },
    });
  });
  void it('takes the last verdict, tolerates missing criteria, and rejects a missing verdict line', () => {
    const r = parseAnswer(
      'judgeProblem',
      "SOLVABILITY: Perfect\nFinal Judgement: [perfect]\nFinal Judgment: 'Acceptable'",
    );
    assert.deepEqual(r, { ok: true, value: { criteria: { solvability: 'perfect' }, verdict: 'acceptable' } });
    assert.match(
      reason('judgeProblem', 'FORMAT: Perfect\nSOLVABILITY: Perfect\nLooks fine.'),
      /Final Judgement/,
    );
    assert.match(reason('judgeProblem', 'Final Judgement: excellent'), /Final Judgement/);
  });
});

void describe('critique', () => {
  void it('keeps any non-empty critique and rejects an empty one', () => {
    assert.deepEqual(parseAnswer('critique', ' The answer is not unique. '), {
      ok: true,
      value: 'The answer is not unique.',
    });
    assert.match(reason('critique', '  \n'), /empty/);
  });
});

void describe('judgePair', () => {
  void it('takes the last verdict token', () => {
    assert.deepEqual(parseAnswer('judgePair', 'A is right.\n[[A]]'), { ok: true, value: 'A' });
    assert.deepEqual(
      parseAnswer('judgePair', 'At first [[A]], but on checking:\n**Final verdict: [[tie]]**'),
      {
        ok: true,
        value: 'Tie',
      },
    );
    // A token inside a sentence is not a verdict line (steering text, or a judge that never decided).
    assert.match(reason('judgePair', 'At first [[A]], but on checking: [[tie]]'), /no verdict line/);
    assert.deepEqual(parseAnswer('judgePair', '[[B]]'), { ok: true, value: 'B' });
  });
  void it('rejects an answer without a token', () => {
    assert.match(reason('judgePair', 'Assistant A is better.'), /no verdict line/);
    assert.match(reason('judgePair', '[[C]]'), /no verdict line/);
  });
});

void describe('registry', () => {
  const vars: Record<PromptName, unknown> = {
    solve: { problem: 'What is 1+1?' },
    classify: { problem: 'What is 1+1?' },
    extractConcepts: { problem: 'What is 1+1?', category: 'Prealgebra', k: 5 },
    generateProblem: { category: 'Algebra', concepts: ['linear equations'], level: 'AIME' },
    judgeProblem: { problem: 'What is 1+1?', category: 'Algebra', level: 'AIME', concepts: ['a'] },
    examine: { category: 'Geometry', weakCategories: ['Geometry'], seedProblem: 'What is 1+1?' },
    critique: { problem: 'What is 1+1?' },
    refine: { problem: 'What is 1+1?', critiques: ['too easy'] },
    judgePair: { problem: 'What is 1+1?', answerA: '\\boxed{2}', answerB: '\\boxed{3}' },
  };
  void it('every prompt has a version, a repair hint, and a rendering detectPrompt recognises', () => {
    for (const [name, prompt] of Object.entries(PROMPTS) as [string, ProjectPrompt<unknown, unknown>][]) {
      assert.equal(prompt.name, name);
      assert.ok(prompt.version >= 1 && prompt.repairHint.length > 0);
      const r = getPrompt(name).render(vars[name as PromptName]);
      const messages = [
        ...(r.system ? [{ role: 'system', content: r.system }] : []),
        { role: 'user', content: r.user },
      ];
      assert.equal(detectPrompt(messages), name);
    }
    assert.equal(detectPrompt([{ role: 'user', content: 'Hello there' }]), undefined);
  });
  void it('getPrompt names unknown prompts', () => {
    assert.equal(getPrompt('solve'), PROMPTS.solve);
    assert.throws(() => getPrompt('summarise'), /unknown prompt "summarise" \(known: solve, classify/);
    assert.throws(() => parseAnswer('toString', 'x'), /unknown prompt "toString"/);
  });
  void it('the answer schemas accept what the parsers return', () => {
    const r = parseAnswer('judgePair', '[[Tie]]');
    assert.ok(r.ok && PROMPTS.judgePair.answerSchema.safeParse(r.value).success);
  });
});
