import { z } from 'zod';
import { CATEGORIES, Category } from '../../schemas/config.js';

/**
 * Simulated models. A student answers a problem correctly with a probability set by its skill in
 * the problem's category and the problem's level; an expert with a flat accuracy. `accuracy` is
 * also how often a model gets the non-solving tasks (judging, classifying) right.
 */
export type Skills = Record<Category, number>;

export interface ModelProfile {
  name: string;
  kind: 'student' | 'expert';
  skills: Skills;
  accuracy: number;
}

/** The base student: weak in Geometry, Counting & Probability and Precalculus. */
export const BASE_SKILLS: Skills = {
  Prealgebra: 0.8,
  Algebra: 0.75,
  'Number Theory': 0.65,
  'Counting & Probability': 0.3,
  Geometry: 0.25,
  'Intermediate Algebra': 0.6,
  Precalculus: 0.35,
  Other: 0.5,
};

/** How often a student gets tasks other than solving right (self-evolving runs use it as every role). */
const STUDENT_TASK_ACCURACY = 0.7;

const flat = (value: number): Skills => Object.fromEntries(CATEGORIES.map((c) => [c, value])) as Skills;
const expert = (name: string, accuracy: number): ModelProfile => ({
  name,
  kind: 'expert',
  skills: flat(accuracy),
  accuracy,
});

export const BUILTIN_MODELS: ReadonlyMap<string, ModelProfile> = new Map(
  [
    { name: 'sim-base', kind: 'student', skills: BASE_SKILLS, accuracy: STUDENT_TASK_ACCURACY } as const,
    expert('sim-expert-a', 0.92),
    expert('sim-expert-b', 0.85),
    expert('sim-expert-c', 0.75),
    expert('sim-judge', 0.9),
    expert('sim-labeller', 0.9),
    expert('sim-embed', 0.9),
  ].map((m) => [m.name, m]),
);

/** A trained checkpoint as the simulated trainer registers it: `<home>/models/<name>.json`. */
export const SimModelFile = z.object({
  name: z.string().min(1),
  parent: z.string().nullable(),
  stage: z.string(),
  skills: z.record(Category, z.number().min(0).max(1)),
  simulated: z.literal(true),
});
export type SimModelFile = z.infer<typeof SimModelFile>;

export function studentProfile(file: SimModelFile): ModelProfile {
  return { name: file.name, kind: 'student', skills: file.skills, accuracy: STUDENT_TASK_ACCURACY };
}

/** Checkpoint names become file names; anything else is refused before touching the disk. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
