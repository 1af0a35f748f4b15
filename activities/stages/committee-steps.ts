import { scheduleVotes, type Verdict, type Vote } from '../../core/elo.js';
import { extractAnswer } from '../../core/verify/index.js';
import type { SyntheticProblem } from '../../schemas/records.js';
import { choices } from './grade.js';
import type { LlmStepDef } from './llm-step.js';
import { firstParsed, prompted } from './prompted.js';

/** WarriorMath stages 5 and 6: every member answers; all remaining members vote on each pair of answers. */

export interface CommitteeParams {
  /** Committee member names; lane i is member i. */
  members: string[];
  temperature: number;
  /** per-response token budget (stages.gold.maxTokens for answers, generation.maxTokens for problems) */
  max_tokens?: number;
}

export interface MemberAnswer {
  member: string;
  solution: string;
  answer: string | null;
}

export interface AnsweredProblem extends SyntheticProblem {
  answers: MemberAnswer[];
}

export const committeeAnswerStep: LlmStepDef<SyntheticProblem, AnsweredProblem, CommitteeParams> = {
  version: 1,
  lanes: (p) => p.members.length,
  outputSchema: 'CommitteeAnswer',
  requests: (rec, p) =>
    p.members.map((_, lane) =>
      prompted(
        'solve',
        { problem: rec.problem },
        { lane, temperature: p.temperature, max_tokens: p.max_tokens },
      ),
    ),
  collect(rec, results, p) {
    const answers = results.map((r, i): MemberAnswer => {
      const solution = choices(r)[0] ?? '';
      return { member: p.members[i]!, solution, answer: solution ? extractAnswer(solution).answer : null };
    });
    if (answers.every((a) => a.answer === null)) return { out: [], dropped: 'no member answered' };
    return { out: [{ ...rec, answers }] };
  },
};

export interface JudgedProblem extends AnsweredProblem {
  /** the votes with a verdict, in schedule order */
  votes: Vote[];
  /** votes whose judge gave no verdict (no [[A]]/[[B]]/[[Tie]] after a re-ask, or the call failed) */
  votesWithoutVerdict: number;
}

/** The votes worth asking for: both answers exist. The schedule itself comes from core/elo. */
function votesFor(rec: AnsweredProblem, members: string[]) {
  const has = new Map(rec.answers.map((a) => [a.member, a.answer !== null]));
  return scheduleVotes(members, rec.id).filter((b) => has.get(b.a) && has.get(b.b));
}

export const voteStep: LlmStepDef<AnsweredProblem, JudgedProblem, CommitteeParams> = {
  version: 2,
  lanes: (p) => p.members.length,
  outputSchema: 'CommitteeAnswer',
  parser: 'judgePair',
  requests(rec, p) {
    const solution = new Map(rec.answers.map((a) => [a.member, a.solution]));
    return votesFor(rec, p.members).map((b) =>
      prompted(
        'judgePair',
        { problem: rec.problem, answerA: solution.get(b.a), answerB: solution.get(b.b) },
        { lane: p.members.indexOf(b.judge), temperature: p.temperature },
      ),
    );
  },
  collect(rec, results, p) {
    const votes: Vote[] = [];
    votesFor(rec, p.members).forEach((b, i) => {
      const verdict = firstParsed<Verdict>(results[i]!);
      if (verdict.ok) votes.push({ ...b, winner: verdict.value });
    });
    return { out: [{ ...rec, votes, votesWithoutVerdict: results.length - votes.length }] };
  },
};
