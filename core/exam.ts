import { createRng, hashSeed, type Rng } from './rng.js';

/** WarriorMath stage 1's plan: which weak category and which failed seed problem each examiner gets. */

/**
 * The categories the student fails at least as often as it fails overall (failures / category
 * size ≥ all failures / all problems), weakest first, ties by name. The overall ratio is the
 * threshold so the set adapts to how weak the student is, with no extra parameter.
 */
export function weakCategories(
  failuresByCategory: Record<string, number>,
  sizeByCategory: Record<string, number>,
): string[] {
  const ratio = (c: string) => (failuresByCategory[c] ?? 0) / (sizeByCategory[c] ?? 0);
  const cats = Object.keys(failuresByCategory).filter(
    (c) => (failuresByCategory[c] ?? 0) > 0 && (sizeByCategory[c] ?? 0) > 0,
  );
  if (cats.length === 0) return [];
  const sum = (r: Record<string, number>) => cats.reduce((s, c) => s + (r[c] ?? 0), 0);
  const overall = sum(failuresByCategory) / sum(sizeByCategory);
  return cats.filter((c) => ratio(c) >= overall).sort((a, b) => ratio(b) - ratio(a) || a.localeCompare(b));
}

/** One problem an examiner is asked to write. */
export interface ExamSlot {
  member: number;
  /** The member's j-th candidate this round. */
  slot: number;
  category: string;
}

/**
 * Each member writes `perMember` candidates, cycling through the weak categories from an offset of
 * its own, so the committee as a whole covers every weak category evenly even when `perMember` is
 * smaller than their number.
 */
export function examSlots(weak: readonly string[], members: number, perMember: number): ExamSlot[] {
  if (weak.length === 0) return [];
  const slots: ExamSlot[] = [];
  for (let member = 0; member < members; member++) {
    for (let slot = 0; slot < perMember; slot++) {
      slots.push({ member, slot, category: weak[(member + slot) % weak.length]! });
    }
  }
  return slots;
}

/**
 * A uniform sample of up to `size` items from a stream (Algorithm R): seed problems are drawn from
 * the failed set without holding it whole.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;

  constructor(
    private readonly size: number,
    private readonly rng: Rng,
  ) {}

  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.size) this.items.push(item);
    else {
      const j = this.rng.int(this.seen);
      if (j < this.size) this.items[j] = item;
    }
  }
}

/** One reservoir per category, each on its own seeded stream, sized to the slots that need a seed. */
export function seedReservoirs<T>(slots: readonly ExamSlot[], seed: number): Map<string, Reservoir<T>> {
  const need = new Map<string, number>();
  for (const s of slots) need.set(s.category, (need.get(s.category) ?? 0) + 1);
  return new Map(
    [...need].map(([cat, n]) => [cat, new Reservoir<T>(n, createRng(hashSeed(seed, 'exam-seeds', cat)))]),
  );
}

/**
 * Hands each slot a seed from its category's sample, in slot order, reusing the sample from the
 * start when the category failed fewer problems than it has slots; a category with no failed
 * problem leaves its slots without a seed.
 */
export function assignSeeds<T>(
  slots: readonly ExamSlot[],
  samples: ReadonlyMap<string, readonly T[]>,
): (ExamSlot & { seed: T })[] {
  const used = new Map<string, number>();
  const out: (ExamSlot & { seed: T })[] = [];
  for (const s of slots) {
    const pool = samples.get(s.category) ?? [];
    if (pool.length === 0) continue;
    const i = used.get(s.category) ?? 0;
    used.set(s.category, i + 1);
    out.push({ ...s, seed: pool[i % pool.length]! });
  }
  return out;
}

/** Who rewrote a problem after critique in runs before the author revised its own: the member after it. */
export const refinerOf = (author: number, members: number): number => (author + 1) % members;
