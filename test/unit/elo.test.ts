import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  eloRatings,
  normaliseRatings,
  scheduleVotes,
  selectGold,
  toEloBattle,
  voteShares,
  type Vote,
} from '../../core/elo.js';

const near = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(Math.abs((actual as number) - expected) < 1e-4, `${what}: ${actual} ≠ ${expected}`);

describe('eloRatings (classic, one update per battle in order)', () => {
  it('moves two equal players by ±K/2 after one win, and a tie between equals changes nothing', () => {
    // E_x = 1/(1+10^0) = 0.5 → x gains 40·(1 − 0.5) = 20, y loses 20
    assert.deepEqual(eloRatings([{ a: 'x', b: 'y', winner: 'a' }]), { x: 20, y: -20 });
    assert.deepEqual(eloRatings([{ a: 'x', b: 'y', winner: 'b' }]), { x: -20, y: 20 });
    assert.deepEqual(eloRatings([{ a: 'x', b: 'y', winner: 'tie' }]), { x: 0, y: 0 });
  });

  it('updates sequentially: the second battle uses the ratings after the first', () => {
    // x beats y: x 20, y −20. x beats z: E_x = 1/(1+10^((0−20)/400)) = 1/(1+0.891251) = 0.528751,
    // x += 40·(1 − 0.528751) = 18.84996 → 38.84996, z = −18.84996.
    const r = eloRatings([
      { a: 'x', b: 'y', winner: 'a' },
      { a: 'x', b: 'z', winner: 'a' },
    ]);
    near(r.x, 38.84996, 'x');
    near(r.y, -20, 'y');
    near(r.z, -18.84996, 'z');
  });

  it('a tie pulls the stronger player down: 0.5 − E', () => {
    // x 20, y −20; tie: E_x = 1/(1+10^(−40/400)) = 1/(1+0.794328) = 0.557312 → x += 40·(−0.057312)
    const r = eloRatings([
      { a: 'x', b: 'y', winner: 'a' },
      { a: 'y', b: 'x', winner: 'tie' },
    ]);
    near(r.x, 17.70752, 'x');
    near(r.y, -17.70752, 'y');
  });

  it('K, base, scale and the start rating are parameters; listed players start even without battles', () => {
    assert.deepEqual(eloRatings([{ a: 'x', b: 'y', winner: 'a' }], { k: 10 }, ['x', 'y', 'z']), {
      x: 5,
      y: -5,
      z: 0,
    });
    // start 1000 as in Chatbot Arena's script: equal players still move by K/2
    assert.deepEqual(eloRatings([{ a: 'x', b: 'y', winner: 'b' }], { initial: 1000, k: 4 }), {
      x: 998,
      y: 1002,
    });
  });

  it('rejects a battle against oneself, naming it', () => {
    assert.throws(
      () =>
        eloRatings([
          { a: 'x', b: 'y', winner: 'a' },
          { a: 'x', b: 'x', winner: 'a' },
        ]),
      /battle 1: "x" cannot battle itself/,
    );
  });
});

describe('normaliseRatings', () => {
  it('min-max scales to [0, 1], and all-equal ratings become 1', () => {
    assert.deepEqual(normaliseRatings({ x: 20, y: -20, z: 0 }), { x: 1, y: 0, z: 0.5 });
    assert.deepEqual(normaliseRatings({ x: 0, y: 0 }), { x: 1, y: 1 });
  });
});

describe('scheduleVotes', () => {
  it('with 3 members the one remaining member votes on each pair, and A/B order alternates', () => {
    const s = scheduleVotes(['x', 'y', 'z'], 'p1');
    assert.deepEqual(
      s.map(({ a, b, judge }) => [a, b, judge]),
      [
        ['x', 'y', 'z'],
        ['z', 'x', 'y'],
        ['y', 'z', 'x'],
      ],
    );
  });

  it('with 4 members all remaining members vote on every pair, half of them with A/B swapped', () => {
    const m = ['m1', 'm2', 'm3', 'm4'];
    const s = scheduleVotes(m, 'problem-17');
    // 6 pairs × 2 remaining members
    assert.equal(s.length, 12);
    const byPair = new Map<string, typeof s>();
    for (const v of s) {
      assert.equal(v.problemId, 'problem-17');
      assert.ok(v.judge !== v.a && v.judge !== v.b && m.includes(v.judge));
      const key = [v.a, v.b].sort().join('|');
      byPair.set(key, [...(byPair.get(key) ?? []), v]);
    }
    assert.equal(byPair.size, 6);
    for (const [pair, votes] of byPair) {
      const [x, y] = pair.split('|') as [string, string];
      assert.deepEqual(votes.map((v) => v.judge).sort(), m.filter((j) => j !== x && j !== y).sort(), pair);
      // exactly one of the two voters sees the later member first
      assert.equal(votes.filter((v) => m.indexOf(v.a) > m.indexOf(v.b)).length, 1, pair);
    }
  });

  it('needs three distinct members', () => {
    assert.throws(() => scheduleVotes(['x', 'y'], 'p1'), /at least 3 members/);
    assert.throws(() => scheduleVotes(['x', 'y', 'x'], 'p1'), /"x" is listed twice/);
  });
});

describe('voteShares', () => {
  // the 3-member schedule above, judged: z picks x (A), y picks x (shown as B), x calls y–z a tie
  const votes: Vote[] = [
    { problemId: 'p1', a: 'x', b: 'y', judge: 'z', winner: 'A' },
    { problemId: 'p1', a: 'z', b: 'x', judge: 'y', winner: 'B' },
    { problemId: 'p1', a: 'y', b: 'z', judge: 'x', winner: 'Tie' },
  ];

  it('is the share of the votes an answer took part in that it won, a tie counting half', () => {
    // x: 2 of 2; y: 0 + 0.5 of 2; z: 0 + 0.5 of 2
    assert.deepEqual(voteShares(votes), { x: 1, y: 0.25, z: 0.25 });
  });

  it('counts every voter of a pair: 2 of 3 voters for p, 1 for q', () => {
    const v = (judge: string, winner: Vote['winner']): Vote => ({
      problemId: 'p',
      a: 'p',
      b: 'q',
      judge,
      winner,
    });
    const s = voteShares([v('j1', 'A'), v('j2', 'B'), v('j3', 'A')]);
    near(s.p, 2 / 3, 'p');
    near(s.q, 1 / 3, 'q');
  });

  it('maps display verdicts to authors for Elo', () => {
    assert.deepEqual(votes.map(toEloBattle), [
      { a: 'x', b: 'y', winner: 'a' },
      { a: 'z', b: 'x', winner: 'b' },
      { a: 'y', b: 'z', winner: 'tie' },
    ]);
  });
});

describe('selectGold', () => {
  const answers = [
    { member: 'a', answer: '1/2' },
    { member: 'b', answer: '0.5' },
    { member: 'c', answer: '3' },
    { member: 'd', answer: null },
  ];
  const shares = { a: 1, b: 0.25, c: 0.25 };

  it('scores w·normalised Elo + (1−w)·local vote share and picks the top', () => {
    const elo = { a: 0, b: 1, c: 0.5, d: 1 };
    // w = 0.5: a 0 + 0.5 = 0.5, b 0.5 + 0.125 = 0.625, c 0.25 + 0.125 = 0.375; d has no answer
    assert.deepEqual(selectGold(answers, elo, shares, 0.5), {
      index: 1,
      member: 'b',
      score: 0.625,
      voteShare: 0.25,
      elo: 1,
    });
    // w = 0.2: a 0.8, b 0.2 + 0.2 = 0.4, c 0.1 + 0.2 = 0.3 → a
    assert.equal(selectGold(answers, elo, shares, 0.2)?.member, 'a');
    // w = 1: Elo alone; w = 0: votes alone
    assert.equal(selectGold(answers, elo, shares, 1)?.member, 'b');
    assert.equal(selectGold(answers, elo, shares, 0)?.member, 'a');
  });

  it('breaks score ties by vote share, then Elo, then member name', () => {
    // a: 0.5·0 + 0.5·1 = 0.5; b: 0.5·0.5 + 0.5·0.5 = 0.5 → a has the larger vote share
    assert.equal(selectGold(answers, { a: 0, b: 0.5, c: 0, d: 0 }, { a: 1, b: 0.5, c: 0 })?.member, 'a');
    // b and c: same score, same share, same Elo → name order
    assert.equal(selectGold(answers, { a: 0, b: 1, c: 1, d: 0 }, { a: 0, b: 0.5, c: 0.5 })?.member, 'b');
  });

  it('a lone answer without votes can still be gold; no answer at all gives null', () => {
    assert.equal(selectGold([answers[2]!, answers[3]!], { c: 1, d: 1 }, {})?.member, 'c');
    assert.equal(selectGold([answers[3]!], { d: 1 }, {}), null);
    assert.throws(() => selectGold(answers, { a: 1 }, shares), /no Elo rating for member "b"/);
  });
});
