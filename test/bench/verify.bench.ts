/**
 * Verifier benchmark against HuggingFace math-verify: builds gold/prediction pairs from MATH-500
 * (reference solutions against their answers, against other problems' answers, and reformatted
 * answers), grades them with both in one run, and prints one JSON line with the agreement rate,
 * pairs/s of each and the speed ratio. Disagreements go to .drill/bench/verify-disagreements.jsonl.
 *
 * Run: bash infra/bench-verify.sh [math500.jsonl]   (installs math-verify into .venv first)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { verify } from '../../core/verify/index.js';

interface Problem {
  answer: string;
  solution: string;
}

interface Pair {
  kind: string;
  gold: string;
  pred: string;
}

const SIMPLE_FRACTION = /^(-?)\\frac\{(\d+)\}\{(\d+)\}$/;

/** Ways a correct answer may be written differently; each returns null where it does not apply. */
const REFORMATS: [string, (a: string) => string | null][] = [
  ['dfrac', (a) => (a.includes('\\frac') ? a.replace(/\\frac/g, '\\dfrac') : null)],
  ['slash', (a) => (SIMPLE_FRACTION.test(a) ? a.replace(SIMPLE_FRACTION, '$1$2/$3') : null)],
  [
    'decimal',
    (a) => {
      const m = SIMPLE_FRACTION.exec(a);
      return m ? (Number(`${m[1]}${m[2]}`) / Number(m[3])).toFixed(8) : null;
    },
  ],
  ['thousands', (a) => (/^\d{4,}$/.test(a) ? Number(a).toLocaleString('en-US') : null)],
  ['assignment', (a) => (a.includes('=') ? null : `x = ${a}`)],
  ['unit', (a) => (/^-?\d+(\.\d+)?$/.test(a) ? `${a}\\text{ units}` : null)],
  ['left-right', (a) => (/^\(.*\)$/.test(a) ? `\\left${a.slice(0, -1)}\\right)` : null)],
  ['spacing', (a) => a.replace(/\s+/g, '').replace(/,/g, ', ')],
];

function reformatted(answer: string, index: number): Pair[] {
  const applicable = REFORMATS.map(([kind, f]) => [kind, f(answer)] as const).filter(
    (r): r is readonly [string, string] => r[1] !== null && r[1] !== answer,
  );
  return [0, 1].flatMap((k) => {
    const pick = applicable[(index + k * 3) % Math.max(applicable.length, 1)];
    if (!pick) return [];
    const pred =
      k === 0
        ? `Putting it together, the answer is $\\boxed{${pick[1]}}$.`
        : `Final Answer: The final answer is $${pick[1]}$. I hope it is correct.`;
    return [{ kind: `reformatted:${pick[0]}`, gold: `\\boxed{${answer}}`, pred }];
  });
}

function buildPairs(problems: Problem[]): Pair[] {
  return problems.flatMap((p, i) => {
    const other = problems[(i + 1) % problems.length]!;
    const far = problems[(i + 250) % problems.length]!;
    const gold = `\\boxed{${p.answer}}`;
    return [
      { kind: 'solution-vs-answer', gold, pred: p.solution },
      { kind: 'other-solution', gold, pred: other.solution },
      { kind: 'other-answer', gold, pred: `The answer is $${far.answer}$.` },
      ...reformatted(p.answer, i),
    ];
  });
}

function main(): void {
  const dataPath = process.argv[2] ?? '../shared/data/benchmarks/math500.jsonl';
  const outDir = '.drill/bench';
  mkdirSync(outDir, { recursive: true });
  const problems = readFileSync(dataPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Problem);
  const pairs = buildPairs(problems);
  const pairsPath = join(outDir, 'verify-pairs.jsonl');
  const theirsPath = join(outDir, 'verify-math-verify.jsonl');
  writeFileSync(
    pairsPath,
    pairs.map((p) => JSON.stringify({ gold: p.gold, pred: p.pred })).join('\n') + '\n',
  );

  const python = process.env.BENCH_PYTHON ?? '.venv/bin/python';
  const theirRun = JSON.parse(
    execFileSync(python, ['test/bench/math_verify_grade.py', pairsPath, theirsPath], { encoding: 'utf8' }),
  ) as { pairs: number; seconds: number };
  const theirs = readFileSync(theirsPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as boolean);

  verify('\\boxed{1}', '1'); // load the math engine outside the timed loop, as Python's imports are
  const start = performance.now();
  const ours = pairs.map((p) => verify(p.gold, p.pred));
  const seconds = (performance.now() - start) / 1000;

  const disagreements = pairs
    .map((p, i) => ({
      ...p,
      mathVerify: theirs[i],
      ours: ours[i]!.equal,
      reason: ours[i]!.reason,
      goldAnswer: ours[i]!.goldAnswer,
      predAnswer: ours[i]!.predAnswer,
    }))
    .filter((d) => d.mathVerify !== d.ours);
  writeFileSync(
    join(outDir, 'verify-disagreements.jsonl'),
    disagreements.map((d) => JSON.stringify(d)).join('\n') + '\n',
  );
  const byKind: Record<string, { pairs: number; disagree: number }> = {};
  for (const p of pairs) (byKind[p.kind.split(':')[0]!] ??= { pairs: 0, disagree: 0 }).pairs++;
  for (const d of disagreements) byKind[d.kind.split(':')[0]!]!.disagree++;

  const oursRate = pairs.length / seconds;
  const theirRate = theirRun.pairs / theirRun.seconds;
  console.log(
    JSON.stringify({
      pairs: pairs.length,
      agreement: Number((1 - disagreements.length / pairs.length).toFixed(4)),
      disagreements: disagreements.length,
      oursEqual: ours.filter((r) => r.equal).length,
      mathVerifyEqual: theirs.filter(Boolean).length,
      oursPairsPerSec: Math.round(oursRate),
      mathVerifyPairsPerSec: Math.round(theirRate),
      speedRatio: Number((oursRate / theirRate).toFixed(1)),
      byKind,
    }),
  );
}

main();
