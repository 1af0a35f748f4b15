import {
  eloRatings,
  normaliseRatings,
  selectGold,
  toEloBattle,
  voteShares,
  type EloBattle,
} from '../../core/elo.js';
import { equivalenceClasses, inLargestClass } from '../../core/stats.js';
import { equivalent } from '../../core/verify/index.js';
import { solveMessage } from '../../core/prompts/solve.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Category } from '../../schemas/config.js';
import type { SftExample } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import type { JudgedProblem } from './committee-steps.js';
import type { GoldItem } from './student-steps.js';
import { bump, records, type Counts } from './artifacts.js';

/**
 * WarriorMath stage 6 over the whole judged set: Elo from every vote (problems in file order,
 * votes in schedule order, one classic update each), then per problem the answer with the top
 * score of w·normElo + (1−w)·local vote share. The votes are also written as `battles.jsonl` in
 * the `drill elo --battles` shape, and each gold is checked against the verifier's majority.
 */
export async function selectGoldAnswers(
  store: ArtifactStore,
  input: { judged: ArtifactRef; members: string[]; eloK: number; eloWeight: number },
  prefix: string,
) {
  const all: EloBattle[] = [];
  async function* battleRows() {
    for await (const j of records<JudgedProblem>(store, input.judged)) {
      for (const v of j.votes) {
        const b = toEloBattle(v);
        all.push(b);
        yield { ...b, judge: v.judge, problemId: v.problemId };
      }
    }
  }
  const battles = await store.writeJsonl(`${prefix}/battles.jsonl`, battleRows(), 'CommitteeAnswer');
  const ratings = eloRatings(all, { k: input.eloK }, input.members);
  const norm = normaliseRatings(ratings);
  const counts: Counts = { problems: 0, votes: battles.count, 'gold agrees with verifier majority': 0 };
  async function* golds() {
    for await (const j of records<JudgedProblem>(store, input.judged)) {
      counts.problems!++;
      bump(counts, 'votes without a verdict', j.votesWithoutVerdict);
      const choice = selectGold(j.answers, norm, voteShares(j.votes), input.eloWeight);
      if (!choice) {
        bump(counts, 'dropped: no gold answer');
        continue;
      }
      const a = j.answers[choice.index]!;
      const keys = equivalenceClasses(
        j.answers.map((x) => x.answer),
        equivalent,
      );
      if (inLargestClass(keys, choice.index)) bump(counts, 'gold agrees with verifier majority');
      bump(counts, `gold from ${a.member}`);
      const item: GoldItem = {
        problemId: j.id,
        problem: j.problem,
        category: j.category,
        answer: a.answer!,
        solution: a.solution,
      };
      yield item;
    }
  }
  const gold = await store.writeJsonl(`${prefix}/gold.jsonl`, golds(), 'GoldAnswer');
  async function* sftRows() {
    for await (const g of records<GoldItem>(store, gold)) {
      const row: SftExample = {
        messages: [
          { role: 'user', content: solveMessage(g.problem) },
          { role: 'assistant', content: g.solution },
        ],
        category: g.category as Category,
      };
      yield row;
    }
  }
  const sft = await store.writeJsonl(`${prefix}/sft.jsonl`, sftRows(), 'SftExample');
  return { gold, sft, battles, ratings, counts: { ...counts, gold: gold.count } };
}
