import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { askedAgain, roundStages, studentUse, type LoopShape } from '../../core/serving-plan.js';

/** Every stage on: SwS synthesis and WarriorMath's exam, two DPO rounds, augmented RL, two rounds. */
const full: LoopShape = {
  rounds: 2,
  synthesis: true,
  exam: true,
  gold: true,
  dpoRounds: 2,
  augmentedRl: true,
};

describe('studentUse', () => {
  it('reads the kind off a stage name', () => {
    assert.equal(studentUse('evaluation.dpo-2'), 'asks');
    assert.equal(studentUse('dpo-2'), 'asks-then-trains');
    assert.equal(studentUse('augmented-rl'), 'trains');
    assert.equal(studentUse('gold'), 'none');
  });
  it('refuses a stage it does not know', () => {
    assert.throws(() => studentUse('distill'), /no student use known for stage "distill"/);
  });
});

describe('roundStages', () => {
  it('lists the first round in the loop order', () => {
    assert.deepEqual(roundStages(full, 0), [
      'ingest',
      'evaluation.base',
      'rl',
      'evaluation.rl',
      'weakness',
      'synthesis',
      'exam',
      'gold',
      'sft',
      'evaluation.sft',
      'dpo-1',
      'evaluation.dpo-1',
      'dpo-2',
      'evaluation.dpo-2',
      'augmented-rl',
      'evaluation.augmented-rl',
    ]);
  });
  it('starts a later round with an assessment only when no augmented RL left an accuracy log', () => {
    assert.deepEqual(roundStages(full, 1).slice(0, 2), ['weakness', 'synthesis']);
    const plain = { ...full, augmentedRl: false, exam: false, dpoRounds: 1 };
    assert.deepEqual(roundStages(plain, 1), [
      'assess',
      'weakness',
      'synthesis',
      'gold',
      'sft',
      'evaluation.sft',
      'dpo-1',
      'evaluation.dpo-1',
    ]);
  });
});

describe('askedAgain', () => {
  const again = (shape: LoopShape, round: number) =>
    roundStages(shape, round)
      .filter((s) => studentUse(s) !== 'none' && studentUse(s) !== 'trains')
      .map((s) => [s, askedAgain(shape, round, s)]);

  it('keeps a checkpoint up until the stage before the next training stage', () => {
    // evaluation.base → rl trains; evaluation.rl → (weakness) synthesis asks; exam → (gold) sft
    // trains; evaluation.sft → dpo-1 samples it; dpo trains itself; evaluation.dpo-2 → augmented
    // RL trains; evaluation.augmented-rl → round 1's (weakness) synthesis asks it.
    assert.deepEqual(again(full, 0), [
      ['evaluation.base', false],
      ['evaluation.rl', true],
      ['synthesis', true],
      ['exam', false],
      ['evaluation.sft', true],
      ['dpo-1', false],
      ['evaluation.dpo-1', true],
      ['dpo-2', false],
      ['evaluation.dpo-2', false],
      ['evaluation.augmented-rl', true],
    ]);
  });

  it('stops after the last stage of the last round', () => {
    assert.equal(askedAgain(full, 1, 'evaluation.augmented-rl'), false);
    assert.equal(askedAgain({ ...full, rounds: 1 }, 0, 'evaluation.augmented-rl'), false);
  });

  it('without augmented RL, the last DPO checkpoint stays up for the next round’s assessment', () => {
    const plain = { ...full, augmentedRl: false };
    assert.equal(askedAgain(plain, 0, 'evaluation.dpo-2'), true);
    assert.equal(askedAgain(plain, 1, 'assess'), true); // → (weakness) synthesis
  });

  it('without the exam, synthesis is the policy checkpoint’s last stage', () => {
    assert.equal(askedAgain({ ...full, exam: false }, 0, 'synthesis'), false);
  });

  it('answers false for a stage the plan does not have', () => {
    assert.equal(askedAgain(full, 0, 'evaluation.dpo-3'), false);
    assert.equal(askedAgain(full, 0, 'assess'), false);
  });
});
