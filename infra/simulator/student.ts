import { unit } from './hash.js';

/**
 * P(a student solves a problem) = σ(logit(skill) − 0.6·(level − 3) + δ), δ a fixed per-problem
 * offset in [−1, 1]: skill is the accuracy at level 3, harder levels lower it, and some problems
 * are harder than their level says. The server and the trainer's accuracy log share this.
 */
export function pCorrect(skill: number, level: number, problem: string): number {
  const s = Math.min(0.99, Math.max(0.01, skill));
  const offset = 2 * (unit('problem-offset', problem.trim()) - 0.5);
  return 1 / (1 + Math.exp(-(Math.log(s / (1 - s)) - 0.6 * (level - 3) + offset)));
}
