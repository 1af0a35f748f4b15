/** One instruction (final answer in \boxed{}) in every solving prompt, exactly once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOLVE_INSTRUCTION, solve, solveMessage } from '../../core/prompts/solve.js';
import { preferenceStep } from '../../activities/stages/student-steps.js';
import { verlRow } from '../../activities/stages/verl-parquet.js';

const count = (text: string) => text.split(SOLVE_INSTRUCTION).length - 1;

describe('the solving instruction', () => {
  it('is appended once, and not again when the problem already ends with it', () => {
    assert.equal(solveMessage('What is 1+1?'), `What is 1+1?\n\n${SOLVE_INSTRUCTION}`);
    assert.equal(
      solveMessage(`What is 1+1?\n\n${SOLVE_INSTRUCTION}\n`),
      `What is 1+1?\n\n${SOLVE_INSTRUCTION}`,
    );
    assert.equal(solve.render({ problem: 'What is 1+1?' }).user, solveMessage('What is 1+1?'));
  });

  it('rollouts, DPO pairs and the verl Parquet carry the same user message', () => {
    const gold = {
      problemId: 'p',
      problem: 'What is 1+1?',
      category: 'Algebra',
      answer: '2',
      solution: 'so \\boxed{2}',
    };
    const request = preferenceStep.requests(gold, { n: 4, temperature: 1 })[0]!;
    const result = {
      custom_id: '0:0',
      ok: true,
      contents: ['\\boxed{3}', '\\boxed{2}', 'it is \\boxed{5}', '\\boxed{3}'],
    };
    const { out } = preferenceStep.collect(gold, [result], { n: 4, temperature: 1, pairs: 2 });
    // two distinct wrong rollouts (3, 5): the gold against the first, the correct rollout against the second
    assert.deepEqual(
      out.map((p) => [p.chosen[0]!.content, p.rejected[0]!.content]),
      [
        ['so \\boxed{2}', '\\boxed{3}'],
        ['\\boxed{2}', 'it is \\boxed{5}'],
      ],
    );
    const verl = verlRow(
      {
        id: 'p',
        index: 0,
        problem: gold.problem,
        answer: '2',
        source: 'original',
        category: 'Algebra',
      } as never,
      'train',
    );
    for (const user of [request.user, out[0]!.prompt[0]!.content, verl.prompt[0]!.content]) {
      assert.equal(user, solveMessage(gold.problem));
      assert.equal(count(user), 1);
    }
  });
});
