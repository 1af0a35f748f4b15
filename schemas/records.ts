import { z } from 'zod';
import { Category, DIFFICULTY_LEVELS } from './config.js';

/**
 * Records: one JSONL line each in an artifact. `index` is the stable integer the RL job keys
 * its accuracy log by (the SwS contract); `id` is the human name of the problem.
 */

export const Problem = z.object({
  index: z.number().int().nonnegative(),
  id: z.string().min(1),
  problem: z.string().min(1),
  answer: z.string().describe('reference answer (LaTeX or plain)'),
  category: Category.optional().describe('absent until classified'),
  level: z.number().int().nullable().optional(),
  solution: z.string().optional(),
  source: z.enum(['original', 'synthetic']).default('original'),
});
export type Problem = z.infer<typeof Problem>;

/** The SwS accuracy log: per training index, the mean rollout accuracy each time it was rolled out. */
export const AccuracyLog = z.object({
  train: z.record(
    z.string().regex(/^\d+$/, 'keys are integer problem indices'),
    z.array(z.number().min(0).max(1)),
  ),
  val: z.record(z.string(), z.unknown()).optional(),
});
export type AccuracyLog = z.infer<typeof AccuracyLog>;

export const FailedProblem = z.object({
  index: z.number().int().nonnegative(),
  best: z.number(),
  slope: z.number(),
  failed: z.boolean(),
});
export type FailedProblem = z.infer<typeof FailedProblem>;

export const ConceptSet = z.object({
  index: z.number().int().nonnegative().describe('the failed problem the concepts came from'),
  category: Category,
  concepts: z.array(z.string().min(1)),
});
export type ConceptSet = z.infer<typeof ConceptSet>;

export const ConceptList = z.object({
  id: z.string(),
  category: Category,
  concepts: z.array(z.string()).min(1),
  level: z.enum(DIFFICULTY_LEVELS),
});
export type ConceptList = z.infer<typeof ConceptList>;

export const SyntheticProblem = z.object({
  id: z.string(),
  category: Category,
  /** SwS problems are written to a level and around concepts; WarriorMath exam problems are not. */
  level: z.enum(DIFFICULTY_LEVELS).optional(),
  concepts: z.array(z.string()).optional(),
  problem: z.string(),
  answer: z.string().optional(),
  studentAccuracy: z.number().min(0).max(1).optional(),
});
export type SyntheticProblem = z.infer<typeof SyntheticProblem>;

export const CommitteeAnswer = z.object({
  problemId: z.string(),
  member: z.string(),
  solution: z.string(),
  answer: z.string().nullable().describe('final answer extracted by the verifier'),
});
export type CommitteeAnswer = z.infer<typeof CommitteeAnswer>;

export const GoldAnswer = z.object({
  problemId: z.string(),
  member: z.string(),
  solution: z.string(),
  answer: z.string(),
  score: z.number(),
});
export type GoldAnswer = z.infer<typeof GoldAnswer>;

export const ChatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const SftExample = z.object({
  messages: z.array(ChatMessage).min(2),
  category: Category.optional(),
});
export type SftExample = z.infer<typeof SftExample>;

export const PreferencePair = z.object({
  prompt: z.array(ChatMessage).min(1),
  chosen: z.array(ChatMessage).min(1),
  rejected: z.array(ChatMessage).min(1),
  category: Category.optional(),
});
export type PreferencePair = z.infer<typeof PreferencePair>;

/** A trained model: where its weights are and the name the student endpoint serves it under. */
export const Checkpoint = z.object({
  name: z.string().min(1).describe('served model name, used as `model` in student requests'),
  weightsUri: z.string(),
  parent: z.string().nullable(),
  stage: z.string(),
  simulated: z.boolean().default(false),
});
export type Checkpoint = z.infer<typeof Checkpoint>;
