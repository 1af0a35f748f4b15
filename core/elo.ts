import { hashSeed } from './rng.js';

/**
 * WarriorMath stage 6: committee members judge each other's answers pairwise; Elo over all
 * battles ranks the members globally, and an answer's score mixes its author's normalised Elo
 * with its local vote share on the problem.
 */

export type Verdict = 'A' | 'B' | 'Tie';

export interface ScheduledBattle {
  problemId: string;
  /** author shown as answer A */
  a: string;
  /** author shown as answer B */
  b: string;
  judge: string;
}

export interface Battle extends ScheduledBattle {
  winner: Verdict;
}

export interface EloOptions {
  k: number;
}

function checkMembers(members: readonly string[]): void {
  const dup = members.find((m, i) => members.indexOf(m) !== i);
  if (dup !== undefined) throw new Error(`committee member "${dup}" is listed twice`);
}

/**
 * Every pair of authors meets once, judged by a member who is neither author. Judges rotate over
 * the eligible members, starting at an offset hashed from the problem id so the judging load
 * spreads across problems; A/B order flips on every other battle to cancel position bias.
 */
export function scheduleBattles(members: readonly string[], problemId: string): ScheduledBattle[] {
  checkMembers(members);
  if (members.length < 3) {
    throw new Error(
      `problem ${problemId}: need at least 3 members so no one judges their own answer, got ${members.length}`,
    );
  }
  const offset = hashSeed(problemId);
  const out: ScheduledBattle[] = [];
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const x = members[i] as string;
      const y = members[j] as string;
      const judges = members.filter((m) => m !== x && m !== y);
      const t = out.length;
      const judge = judges[(offset + t) % judges.length] as string;
      out.push(t % 2 === 0 ? { problemId, a: x, b: y, judge } : { problemId, a: y, b: x, judge });
    }
  }
  return out;
}

/**
 * Elo from 0 with E_A = 1 / (1 + 10^((R_B − R_A)/400)) and a tie worth 0.5. Updates are
 * simultaneous within a batch: a batch is one problem's battles, all scored against the ratings
 * before that problem, so the order battles finished in does not matter. Problems apply in the
 * order their first battle appears; pass battles in a stable order (e.g. by problem id) for
 * reproducible ratings.
 */
export function eloRatings(
  members: readonly string[],
  battles: readonly Battle[],
  opts: EloOptions = { k: 40 },
): Record<string, number> {
  checkMembers(members);
  const ratings = new Map(members.map((m) => [m, 0]));
  const batches = new Map<string, Battle[]>();
  battles.forEach((b, i) => {
    const where = `battle ${i} (problem ${b.problemId})`;
    for (const who of [b.a, b.b, b.judge]) {
      if (!ratings.has(who)) throw new Error(`${where}: "${who}" is not a committee member`);
    }
    if (b.a === b.b) throw new Error(`${where}: "${b.a}" cannot battle itself`);
    if (b.judge === b.a || b.judge === b.b)
      throw new Error(`${where}: judge "${b.judge}" is one of the authors`);
    const batch = batches.get(b.problemId);
    if (batch) batch.push(b);
    else batches.set(b.problemId, [b]);
  });
  for (const batch of batches.values()) {
    const delta = new Map(members.map((m) => [m, 0]));
    for (const { a, b, winner } of batch) {
      const ra = ratings.get(a) as number;
      const rb = ratings.get(b) as number;
      const expectedA = 1 / (1 + 10 ** ((rb - ra) / 400));
      const scoreA = winner === 'A' ? 1 : winner === 'B' ? 0 : 0.5;
      const change = opts.k * (scoreA - expectedA);
      delta.set(a, (delta.get(a) as number) + change);
      delta.set(b, (delta.get(b) as number) - change);
    }
    for (const [m, d] of delta) ratings.set(m, (ratings.get(m) as number) + d);
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

export interface CandidateAnswer {
  member: string;
  /** final answer extracted by the verifier; null when none could be extracted */
  answer: string | null;
  /** the verifier's equivalence-class key for `answer` (see stats.equivalenceClasses); null iff answer is null */
  equivalenceKey: string | number | null;
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
 * score = w · normElo(author) + (1 − w) · vote share, where the vote share is the fraction of this
 * problem's answers (nulls included) in the answer's equivalence class. Null answers cannot be
 * gold. Ties, in order: higher vote share, higher Elo, member name (code-unit order), position.
 * Returns null when no answer was extracted.
 */
export function selectGold(
  answers: readonly CandidateAnswer[],
  normElo: Readonly<Record<string, number>>,
  w = 0.5,
): GoldChoice | null {
  if (w < 0 || w > 1) throw new Error(`gold selection: weight w must be in [0, 1], got ${w}`);
  const keys = answers.map((c, i) => {
    if ((c.answer === null) !== (c.equivalenceKey === null)) {
      throw new Error(
        `gold selection: answer ${i} (${c.member}) must have an equivalence key exactly when it has an answer`,
      );
    }
    return c.equivalenceKey;
  });
  const scored: GoldChoice[] = [];
  answers.forEach((c, index) => {
    const elo = normElo[c.member];
    if (elo === undefined) throw new Error(`gold selection: no Elo rating for member "${c.member}"`);
    if (c.equivalenceKey === null) return;
    const voteShare = keys.filter((k) => k === c.equivalenceKey).length / answers.length;
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
