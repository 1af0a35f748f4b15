import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eloRatings, normaliseRatings, scheduleBattles, selectGold, type Battle } from '../../core/elo.js';
import { equivalenceClasses } from '../../core/stats.js';

const members = ['x', 'y', 'z'];
const battle = (
  problemId: string,
  a: string,
  b: string,
  judge: string,
  winner: Battle['winner'],
): Battle => ({
  problemId,
  a,
  b,
  judge,
  winner,
});

describe('eloRatings', () => {
  it('moves two equal players by ±K/2 after one win', () => {
    // E_x = 1/(1+10^0) = 0.5 → x gains 40·(1 − 0.5) = 20, y loses 20; the judge is unaffected
    assert.deepEqual(eloRatings(members, [battle('p1', 'x', 'y', 'z', 'A')]), { x: 20, y: -20, z: 0 });
    // B wins the mirror battle
    assert.deepEqual(eloRatings(members, [battle('p1', 'x', 'y', 'z', 'B')]), { x: -20, y: 20, z: 0 });
    // a tie between equals changes nothing: 40·(0.5 − 0.5) = 0
    assert.deepEqual(eloRatings(members, [battle('p1', 'x', 'y', 'z', 'Tie')]), { x: 0, y: 0, z: 0 });
  });

  it("scores one problem's battles against the ratings before that problem", () => {
    // p1: x beats y and x beats z, both from 0: x +20 +20, y −20, z −20.
    // (Sequential updates would have given x 20 + 40·(1 − 1/(1+10^(−20/400))) ≈ 38.85 instead.)
    const simultaneous = eloRatings(members, [
      battle('p1', 'x', 'y', 'z', 'A'),
      battle('p1', 'z', 'x', 'y', 'B'),
    ]);
    assert.deepEqual(simultaneous, { x: 40, y: -20, z: -20 });
  });

  it('applies problems in order, each on the previous ratings', () => {
    // p1: x beats y → x 20, y −20. p2: y beats x: E_y = 1/(1+10^(40/400)) = 1/(1+1.258925) = 0.442688,
    // y gains 40·(1 − 0.442688) = 22.2925; y = 2.2925, x = −2.2925.
    const r = eloRatings(members, [battle('p1', 'x', 'y', 'z', 'A'), battle('p2', 'y', 'x', 'z', 'A')]);
    assert.ok(Math.abs((r.y as number) - 2.2925) < 1e-3, `y = ${r.y}`);
    assert.ok(Math.abs((r.x as number) + 2.2925) < 1e-3, `x = ${r.x}`);
    assert.equal(r.z, 0);
    // K scales the step
    assert.deepEqual(eloRatings(members, [battle('p1', 'x', 'y', 'z', 'A')], { k: 10 }), {
      x: 5,
      y: -5,
      z: 0,
    });
  });

  it('rejects self-judging and strangers, naming the battle', () => {
    assert.throws(
      () => eloRatings(members, [battle('p9', 'x', 'y', 'x', 'A')]),
      /battle 0 \(problem p9\): judge "x"/,
    );
    assert.throws(
      () => eloRatings(members, [battle('p9', 'x', 'w', 'z', 'A')]),
      /"w" is not a committee member/,
    );
  });
});

describe('normaliseRatings', () => {
  it('min-max scales to [0, 1], and all-equal ratings become 1', () => {
    assert.deepEqual(normaliseRatings({ x: 20, y: -20, z: 0 }), { x: 1, y: 0, z: 0.5 });
    assert.deepEqual(normaliseRatings({ x: 0, y: 0 }), { x: 1, y: 1 });
  });
});

describe('scheduleBattles', () => {
  it('with 3 members the judge is always the third, and A/B order alternates', () => {
    const s = scheduleBattles(['x', 'y', 'z'], 'p1');
    assert.deepEqual(
      s.map(({ a, b, judge }) => [a, b, judge]),
      [
        ['x', 'y', 'z'],
        ['z', 'x', 'y'],
        ['y', 'z', 'x'],
      ],
    );
  });

  it('with 4 members every pair meets once and nobody judges their own answer', () => {
    const m = ['m1', 'm2', 'm3', 'm4'];
    const s = scheduleBattles(m, 'problem-17');
    assert.equal(s.length, 6);
    const pairs = new Set(s.map(({ a, b }) => [a, b].sort().join('|')));
    assert.equal(pairs.size, 6);
    for (const { a, b, judge, problemId } of s) {
      assert.equal(problemId, 'problem-17');
      assert.ok(judge !== a && judge !== b && m.includes(judge));
    }
    // battles 1, 3, 5 show the later member as A
    assert.deepEqual(
      s.map(({ a, b }) => m.indexOf(a) < m.indexOf(b)),
      [true, false, true, false, true, false],
    );
  });

  it('needs three members', () => {
    assert.throws(() => scheduleBattles(['x', 'y'], 'p1'), /at least 3 members/);
  });
});

describe('selectGold', () => {
  // a and b agree (1/2 = 0.5), c says 3, d extracted nothing: vote shares 2/4, 2/4, 1/4
  const keys = equivalenceClasses(['1/2', '0.5', '3', null], (p, q) => eval(p) === eval(q));
  const answers = [
    { member: 'a', answer: '1/2', equivalenceKey: keys[0]! },
    { member: 'b', answer: '0.5', equivalenceKey: keys[1]! },
    { member: 'c', answer: '3', equivalenceKey: keys[2]! },
    { member: 'd', answer: null, equivalenceKey: null },
  ];

  it('groups answers with the equivalence function', () => {
    assert.deepEqual(keys, [0, 0, 2, null]);
  });

  it('scores w·Elo + (1−w)·vote share and picks the top', () => {
    const elo = { a: 0, b: 0.2, c: 1, d: 1 };
    // w = 0.5: a 0 + 0.25 = 0.25, b 0.1 + 0.25 = 0.35, c 0.5 + 0.125 = 0.625; d is null and cannot win
    assert.deepEqual(selectGold(answers, elo, 0.5), {
      index: 2,
      member: 'c',
      score: 0.625,
      voteShare: 0.25,
      elo: 1,
    });
    // w = 0.2: a 0.4, b 0.04 + 0.4 = 0.44, c 0.2 + 0.2 = 0.4 → b
    assert.equal(selectGold(answers, elo, 0.2)?.member, 'b');
  });

  it('breaks score ties by vote share, then Elo, then member name', () => {
    // a: 0.5·0.25 + 0.5·0.5 = 0.375; c: 0.5·0.5 + 0.5·0.25 = 0.375 → a has the larger vote share
    assert.equal(selectGold(answers, { a: 0.25, b: 0, c: 0.5, d: 0 })?.member, 'a');
    // a and b: same score, same share, same Elo → name order
    assert.equal(selectGold(answers, { a: 0.5, b: 0.5, c: 0, d: 0 })?.member, 'a');
  });

  it('returns null when no answer was extracted, and errors on a missing rating', () => {
    assert.equal(selectGold([answers[3]!], { d: 1 }), null);
    assert.throws(() => selectGold(answers, { a: 1 }), /no Elo rating for member "b"/);
  });
});
