/**
 * WarriorMath stage 6: for every pair of committee answers to a problem, all remaining members
 * vote; Elo over all votes ranks the members globally, and an answer's score mixes its author's
 * normalised Elo with its local vote share on the problem. Pure: no I/O.
 */

/** A judge's verdict in display terms: the answer shown first (A), second (B), or a tie. */
export type Verdict = 'A' | 'B' | 'Tie';

export interface ScheduledVote {
  problemId: string;
  /** author shown as answer A */
  a: string;
  /** author shown as answer B */
  b: string;
  judge: string;
}

/** One judge's vote on one pair: a battle in Elo terms. */
export interface Vote extends ScheduledVote {
  winner: Verdict;
}

/** A battle as the rating script reads it (`drill elo --battles`): winner by side. */
export interface EloBattle {
  a: string;
  b: string;
  winner: 'a' | 'b' | 'tie';
}

/** Classic Elo as in WarriorCoder's rating script: start 0 (relative), K = 40, base 10, scale 400. */
export interface EloOptions {
  k: number;
  base: number;
  scale: number;
  initial: number;
}

export const ELO_DEFAULTS: EloOptions = { k: 40, base: 10, scale: 400, initial: 0 };

function checkMembers(members: readonly string[]): void {
  const dup = members.find((m, i) => members.indexOf(m) !== i);
  if (dup !== undefined) throw new Error(`committee member "${dup}" is listed twice`);
}

/**
 * Every pair of authors is judged by every other member (the seed: "remaining members vote
 * pairwise"), so nobody judges their own answer. Position bias cancels by swapping A/B for half
 * of the votes: vote v of pair p shows the later member first when p + v is odd, which swaps half
 * of a pair's voters when it has several and alternates across pairs when it has one.
 */
export function scheduleVotes(members: readonly string[], problemId: string): ScheduledVote[] {
  checkMembers(members);
  if (members.length < 3) {
    throw new Error(
      `problem ${problemId}: need at least 3 members so no one judges their own answer, got ${members.length}`,
    );
  }
  const out: ScheduledVote[] = [];
  let pair = 0;
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const x = members[i] as string;
      const y = members[j] as string;
      members
        .filter((m) => m !== x && m !== y)
        .forEach((judge, v) => {
          out.push(
            (pair + v) % 2 === 0 ? { problemId, a: x, b: y, judge } : { problemId, a: y, b: x, judge },
          );
        });
      pair++;
    }
  }
  return out;
}

/** A vote as a rating battle between the two authors. */
export function toEloBattle(v: Vote): EloBattle {
  return { a: v.a, b: v.b, winner: v.winner === 'A' ? 'a' : v.winner === 'B' ? 'b' : 'tie' };
}

/**
 * One classic Elo update per battle, in the order given: E_a = 1 / (1 + base^((R_b − R_a)/scale)),
 * S_a = 1, 0 or 0.5 for a tie, R_a += K·(S_a − E_a), R_b += K·((1 − S_a) − (1 − E_a)). `players`
 * start at `initial` even if they never battle; anyone else appears when first seen.
 */
export function eloRatings(
  battles: Iterable<EloBattle>,
  opts: Partial<EloOptions> = {},
  players: readonly string[] = [],
): Record<string, number> {
  const { k, base, scale, initial } = { ...ELO_DEFAULTS, ...opts };
  const ratings = new Map<string, number>(players.map((p) => [p, initial]));
  let i = 0;
  for (const { a, b, winner } of battles) {
    if (a === b) throw new Error(`battle ${i}: "${a}" cannot battle itself`);
    const ra = ratings.get(a) ?? initial;
    const rb = ratings.get(b) ?? initial;
    const expectedA = 1 / (1 + base ** ((rb - ra) / scale));
    const scoreA = winner === 'a' ? 1 : winner === 'b' ? 0 : 0.5;
    ratings.set(a, ra + k * (scoreA - expectedA));
    ratings.set(b, rb + k * (1 - scoreA - (1 - expectedA)));
    i++;
  }
  return Object.fromEntries(ratings);
}

/**
 * Min-max to [0, 1]. When every rating is equal (e.g. no battles yet) all become 1: Elo then
 * carries no preference and the vote share alone decides.
 */
export function normaliseRatings(ratings: Readonly<Record<string, number>>): Record<string, number> {
  const values = Object.values(ratings);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return Object.fromEntries(
    Object.entries(ratings).map(([m, r]) => [m, hi === lo ? 1 : (r - lo) / (hi - lo)]),
  );
}

/**
 * Local vote share of each author on one problem: the votes its answer won (a tie is half a win)
 * over the votes its answer took part in. Each share is in [0, 1], the same range as normalised
 * Elo, so w weighs the two evenly. An author with no votes (the only answer) has share 0.
 */
export function voteShares(votes: readonly Vote[]): Record<string, number> {
  const won = new Map<string, number>();
  const seen = new Map<string, number>();
  const add = (m: string, w: number) => {
    won.set(m, (won.get(m) ?? 0) + w);
    seen.set(m, (seen.get(m) ?? 0) + 1);
  };
  for (const v of votes) {
    add(v.a, v.winner === 'A' ? 1 : v.winner === 'Tie' ? 0.5 : 0);
    add(v.b, v.winner === 'B' ? 1 : v.winner === 'Tie' ? 0.5 : 0);
  }
  return Object.fromEntries([...seen].map(([m, n]) => [m, (won.get(m) as number) / n]));
}

export interface CandidateAnswer {
  member: string;
  /** final answer extracted by the verifier; null when none could be extracted */
  answer: string | null;
}

export interface GoldChoice {
  /** position of the winning answer in the input */
  index: number;
  member: string;
  score: number;
  voteShare: number;
  elo: number;
}

/**
 * score = w · normElo(author) + (1 − w) · local vote share; the top score is gold. Null answers
 * cannot be gold. Ties, in order: higher vote share, higher Elo, member name (code-unit order),
 * position. Returns null when no answer was extracted.
 */
export function selectGold(
  answers: readonly CandidateAnswer[],
  normElo: Readonly<Record<string, number>>,
  shares: Readonly<Record<string, number>>,
  w = 0.5,
): GoldChoice | null {
  if (w < 0 || w > 1) throw new Error(`gold selection: weight w must be in [0, 1], got ${w}`);
  const scored: GoldChoice[] = [];
  answers.forEach((c, index) => {
    const elo = normElo[c.member];
    if (elo === undefined) throw new Error(`gold selection: no Elo rating for member "${c.member}"`);
    if (c.answer === null) return;
    const voteShare = shares[c.member] ?? 0;
    scored.push({ index, member: c.member, score: w * elo + (1 - w) * voteShare, voteShare, elo });
  });
  scored.sort(
    (x, y) =>
      y.score - x.score ||
      y.voteShare - x.voteShare ||
      y.elo - x.elo ||
      (x.member < y.member ? -1 : x.member > y.member ? 1 : 0) ||
      x.index - y.index,
  );
  return scored[0] ?? null;
}
