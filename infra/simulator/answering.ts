import { lastBoxed } from '../../core/prompts/boxed.js';
import { recognise } from './recognise.js';
import { draw, pickBy, type Sample } from './sample.js';
import { pCorrect } from './student.js';

/** How often a wrong solution also forgets its \boxed{}. */
const UNBOXED_WRONG = 0.15;
const WRONG_OFFSETS = [1n, -1n, 2n] as const;

/** A wrong answer near the true one: its first integer shifted. Few distinct ones, so wrong samples can collide. */
export function distractor(answer: string, u: number): string {
  const offset = pickBy(u, WRONG_OFFSETS);
  return /\d/.test(answer)
    ? answer.replace(/\d+/, (digits) => String(BigInt(digits) + offset))
    : `${answer}+1`;
}

export function solveResponse(problem: string, sample: Sample): string {
  const known = recognise(problem);
  if (known === undefined) {
    const guess = 1 + Math.floor(draw(sample, 'guess', problem) * 99);
    return writeSolution('Let us set up the problem and compute carefully.', String(guess), true);
  }
  const { profile } = sample;
  const p =
    profile.kind === 'student'
      ? pCorrect(profile.skills[known.category], known.level, problem)
      : profile.accuracy;
  const intro = `This problem uses ${known.template.concepts.join(' and ')}.`;
  if (draw(sample, 'correct', problem) < p) return writeSolution(intro, known.answer, true);
  const wrong = distractor(known.answer, draw(sample, 'wrong', problem));
  return writeSolution(intro, wrong, draw(sample, 'unboxed', problem) >= UNBOXED_WRONG);
}

function writeSolution(intro: string, answer: string, boxed: boolean): string {
  const work = 'Setting up the computation and simplifying step by step';
  return boxed
    ? `${intro}\n\n${work}, we obtain ${answer}.\n\nTherefore, the final answer is $\\boxed{${answer}}$.`
    : `${intro}\n\n${work}, the result should be ${answer}.`;
}

const sameAnswer = (response: string, answer: string): boolean =>
  (lastBoxed(response) ?? '').replace(/\s+/g, '') === answer.replace(/\s+/g, '');

/** A battle judge prefers the correct answer with its accuracy; otherwise it errs or calls a tie. */
export function judgePairResponse(problem: string, answerA: string, answerB: string, sample: Sample): string {
  const known = recognise(problem);
  const u = draw(sample, 'battle', problem, answerA, answerB);
  let verdict: 'A' | 'B' | 'Tie';
  if (known === undefined) {
    verdict = pickBy(u, ['A', 'B', 'Tie'] as const);
  } else {
    const a = sameAnswer(answerA, known.answer);
    const b = sameAnswer(answerB, known.answer);
    if (a !== b) {
      const right = a ? 'A' : 'B';
      const slip = (u - sample.profile.accuracy) / (1 - sample.profile.accuracy);
      verdict = u < sample.profile.accuracy ? right : slip < 0.5 ? 'Tie' : right === 'A' ? 'B' : 'A';
    } else {
      verdict = pickBy(u, ['Tie', 'Tie', 'A', 'B'] as const);
    }
  }
  return `I worked the problem out myself and compared both final answers with mine, then checked each line of reasoning.\n\n[[${verdict}]]`;
}
