import { eloRatings, normaliseRatings, selectGold, type Battle } from '../../core/elo.js';
import { equivalenceClasses } from '../../core/stats.js';
import { equivalent } from '../../core/verify/index.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Category } from '../../schemas/config.js';
import type { SftExample } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import type { JudgedProblem } from './committee-steps.js';
import type { GoldItem } from './student-steps.js';
import { bump, records, type Counts } from './artifacts.js';

/**
 * WarriorMath stage 6 over the whole judged set: Elo from every battle (problems in file order),
 * then per problem the answer with the top score of w·normElo + (1−w)·vote share.
 */
export async function selectGoldAnswers(
  store: ArtifactStore,
  input: { judged: ArtifactRef; members: string[]; eloK: number; eloWeight: number },
  prefix: string,
) {
  const battles: Battle[] = [];
  for await (const j of records<JudgedProblem>(store, input.judged)) battles.push(...j.battles);
  const ratings = eloRatings(input.members, battles, { k: input.eloK });
  const norm = normaliseRatings(ratings);
  const counts: Counts = { problems: 0, battles: battles.length };
  async function* golds() {
    for await (const j of records<JudgedProblem>(store, input.judged)) {
      counts.problems!++;
      const keys = equivalenceClasses(
        j.answers.map((a) => a.answer),
        equivalent,
      );
      const choice = selectGold(
        j.answers.map((a, i) => ({ member: a.member, answer: a.answer, equivalenceKey: keys[i] ?? null })),
        norm,
        input.eloWeight,
      );
      if (!choice) {
        bump(counts, 'dropped: no gold answer');
        continue;
      }
      const a = j.answers[choice.index]!;
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
          { role: 'user', content: g.problem },
          { role: 'assistant', content: g.solution },
        ],
        category: g.category as Category,
      };
      yield row;
    }
  }
  const sft = await store.writeJsonl(`${prefix}/sft.jsonl`, sftRows(), 'SftExample');
  return { gold, sft, ratings, counts: { ...counts, gold: gold.count } };
}
