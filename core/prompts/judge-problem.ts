import { z } from 'zod';
import { checked, invalid, type ProjectPrompt } from './define.js';
import { lastLine, tagged } from './tags.js';

/** SwS stage G: a judge rates a generated problem on five criteria and ends with a verdict line. */
export interface JudgeProblemVars {
  problem: string;
  category: string;
  level: string;
  concepts: readonly string[];
}

export const Rating = z.enum(['perfect', 'acceptable', 'bad']);
export type Rating = z.infer<typeof Rating>;

/** Criterion key → the heading the prompt shows and the parser looks for. */
const CRITERIA = {
  format: 'FORMAT',
  factualAccuracy: 'FACTUAL ACCURACY',
  difficultyAlignment: 'DIFFICULTY ALIGNMENT',
  conceptCoverage: 'CONCEPT COVERAGE',
  solvability: 'SOLVABILITY',
} as const;
type Criterion = keyof typeof CRITERIA;

export const JudgeAnswer = z.object({
  criteria: z.partialRecord(z.enum(Object.keys(CRITERIA) as [Criterion, ...Criterion[]]), Rating),
  verdict: Rating,
});
export type JudgeAnswer = z.infer<typeof JudgeAnswer>;

/**
 * The verdict line, and only it: the response's last non-empty line must read "Final Judgement:
 * <verdict>" (markdown emphasis, quotes or brackets around it tolerated). A verdict anywhere else —
 * quoted from a problem that tries to steer the judge, followed by more text, or an echo of the
 * options "perfect|acceptable|bad" — is not a verdict.
 */
const VERDICT_LINE = /^[\s*#_>-]*final\s+judge?ment[\s*_:'"[]*(perfect|acceptable|bad)[\s*_'".\]]*$/i;
const criterionLine = (heading: string): RegExp =>
  new RegExp(`\\b${heading}\\b[^a-z\\n]*(?:rating[^a-z\\n]*)?(perfect|acceptable|bad)`, 'i');
const CRITERION_LINES = (Object.entries(CRITERIA) as [Criterion, string][]).map(
  ([key, heading]) => [key, criterionLine(heading)] as const,
);

export const judgeProblem: ProjectPrompt<JudgeProblemVars, JudgeAnswer> = {
  name: 'judgeProblem',
  version: 1,
  signature: 'As a critical expert in educational problem design',
  answerSchema: JudgeAnswer,
  render: ({ problem, category, level, concepts }) => ({
    user: `As a critical expert in educational problem design, evaluate the following generated problem.

=== GIVEN MATERIALS ===
${tagged('problem', problem)}
${tagged('category', category)}
${tagged('level', level)}
${tagged('concepts', concepts.map((c) => `- ${c}`).join('\n'))}

=== EVALUATION CRITERIA ===
Rate each criterion as Perfect, Acceptable or Bad.
1. FORMAT: one standalone problem; no proof, multiple choice, true/false or sub-parts; the answer is a number or expression.
2. FACTUAL ACCURACY: no incorrect or misleading information; mathematically and logically consistent.
3. DIFFICULTY ALIGNMENT: the difficulty matches the target level.
4. CONCEPT COVERAGE: the problem meaningfully uses the given concepts of the given domain.
5. SOLVABILITY: the problem has a valid solution and gives all the information needed to reach it.

=== RESPONSE FORMAT ===
For each criterion write one line "<CRITERION>: <Perfect|Acceptable|Bad>" followed by a one-sentence justification.

=== FINAL VERDICT ===
After all criterion ratings, conclude your response with:
Final Judgement: <verdict>
where verdict is one of:
- perfect (FACTUAL ACCURACY and SOLVABILITY are Perfect, at least two other criteria are Perfect, and nothing is Bad)
- acceptable (nothing is Bad, but not perfect)
- bad (any criterion is Bad)
The "Final Judgement:" line must be the last line of your response.`,
  }),
  parse(text) {
    const last = lastLine(text);
    const verdict = VERDICT_LINE.exec(last)?.[1];
    if (verdict === undefined)
      return invalid(
        `no "Final Judgement: perfect|acceptable|bad" line at the end (last line: ${JSON.stringify(last.slice(0, 80))})`,
      );
    const criteria: Partial<Record<Criterion, string>> = {};
    for (const [key, line] of CRITERION_LINES) {
      const rating = line.exec(text)?.[1];
      if (rating !== undefined) criteria[key] = rating.toLowerCase();
    }
    return checked(JudgeAnswer, { criteria, verdict: verdict.toLowerCase() });
  },
  repairHint:
    'Rate the five criteria, then end with a last line "Final Judgement: perfect", "acceptable" or "bad".',
};
