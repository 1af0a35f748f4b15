import { CATEGORIES, type Category } from '../../schemas/config.js';
import type { TrainingKind } from '../../schemas/job.js';
import type { AccuracyLog } from '../../schemas/records.js';
import { createRng } from '../../core/rng.js';
import { hash32 } from './hash.js';
import type { Skills } from './profiles.js';
import { pCorrect } from './student.js';

/**
 * What simulated training does to a student, as pure functions: skills rise per category with the
 * share of the data in it (saturating in both share and skill), and an RL run's per-problem
 * accuracy follows its category's skill epoch by epoch.
 */
const GAIN: Record<TrainingKind, number> = { rl: 0.5, sft: 0.6, dpo: 0.3 };

export function trainedSkills(
  start: Skills,
  kind: TrainingKind,
  counts: Partial<Record<Category, number>>,
  epochs: number,
): Skills {
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  if (total === 0) return { ...start };
  // Tiny datasets barely move a model: the effect saturates with examples seen.
  const volume = 1 - Math.exp((-total * epochs) / 300);
  const next = { ...start };
  for (const category of CATEGORIES) {
    const share = (counts[category] ?? 0) / total;
    const lift = GAIN[kind] * volume * (1 - Math.exp(-3 * share)) * (1 - start[category]);
    next[category] = Math.min(0.99, start[category] + lift);
  }
  return next;
}

export interface RlProblem {
  index: number;
  problem: string;
  category: Category;
  level: number;
}

/** The SwS accuracy log: each epoch, the fraction of `rollouts` samples correct at that epoch's skill. */
export function accuracyLog(
  problems: readonly RlProblem[],
  start: Skills,
  end: Skills,
  epochs: number,
  rollouts: number,
  seed: number,
): AccuracyLog {
  const train: Record<string, number[]> = {};
  for (const p of problems) {
    const noise = createRng(hash32('accuracy-log', seed, p.index));
    train[String(p.index)] = Array.from({ length: epochs }, (_, epoch) => {
      const progress = (epoch + 1) / epochs;
      const skill = start[p.category] + (end[p.category] - start[p.category]) * progress;
      const chance = pCorrect(skill, p.level, p.problem);
      let correct = 0;
      for (let i = 0; i < rollouts; i++) if (noise.next() < chance) correct++;
      return correct / rollouts;
    });
  }
  return { train };
}
