import { z } from 'zod';
import { checked, invalid, type ProjectPrompt } from './define.js';
import { lastLine, tagged } from './tags.js';

/** WarriorMath stage 6: one committee member judges a battle between two others' answers. */
export interface JudgePairVars {
  problem: string;
  answerA: string;
  answerB: string;
}

export const PairVerdict = z.enum(['A', 'B', 'Tie']);
export type PairVerdict = z.infer<typeof PairVerdict>;

const VERDICT_LINE =
  /^[\s*#_>-]*(?:(?:my\s+)?(?:final\s+)?verdict(?:\s+is)?\s*[:-]?)?[\s*_'"]*\[\[(A|B|Tie)\]\][\s*_'".]*$/i;
const CANONICAL: Record<string, PairVerdict> = { a: 'A', b: 'B', tie: 'Tie' };

export const judgePair: ProjectPrompt<JudgePairVars, PairVerdict> = {
  name: 'judgePair',
  version: 1,
  signature: 'Please act as an impartial judge',
  answerSchema: PairVerdict,
  render: ({ problem, answerA, answerB }) => ({
    system: `Please act as an impartial judge and evaluate the two answers provided by two AI assistants to the math problem below. Judge above all whether each final answer is correct, then the soundness and clarity of its reasoning. Work the problem out yourself first, compare both answers with yours, and identify any mistakes. Do not let the order of the answers, their length or the assistants' names influence you. After a short explanation, output your final verdict in exactly this format: "[[A]]" if assistant A is better, "[[B]]" if assistant B is better, and "[[Tie]]" for a tie.`,
    user: `${tagged('problem', problem)}

${tagged('answer A', answerA)}

${tagged('answer B', answerB)}`,
  }),
  parse(text) {
    // Only a last line that is the verdict alone ("[[A]]", "Final verdict: [[A]]") counts: a token
    // quoted earlier or inside a sentence (from an answer that tries to steer the judge) does not.
    const token = VERDICT_LINE.exec(lastLine(text))?.[1]?.toLowerCase();
    if (token === undefined)
      return invalid(
        'no verdict line [[A]], [[B]] or [[Tie]] at the end (the format, alone on the last line)',
      );
    return checked(PairVerdict, CANONICAL[token]);
  },
  repairHint: 'End your response with your verdict: exactly one of [[A]], [[B]] or [[Tie]].',
};
