import { unit } from './hash.js';
import type { ModelProfile } from './profiles.js';

/** Rates at which the simulated generator writes a flawed problem, so the synthesis funnel drops some. */
export interface FlawRates {
  proof: number;
  multiPart: number;
  noFence: number;
  unsolvable: number;
}

export const DEFAULT_FLAWS: FlawRates = { proof: 0.04, multiPart: 0.04, noFence: 0.04, unsolvable: 0.08 };

/** One sampled completion: who answers, and the key that makes its random draws reproducible. */
export interface Sample {
  profile: ModelProfile;
  /** server seed, model, request seed and choice index (0 for every choice at temperature 0) */
  key: string;
  flaws: FlawRates;
}

export function draw(sample: Sample, ...parts: readonly (string | number)[]): number {
  return unit(sample.key, ...parts);
}

export function pickBy<T>(u: number, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.min(items.length - 1, Math.floor(u * items.length))] as T;
}
