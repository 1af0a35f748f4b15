import { refinerOf as nextMember } from '../../core/exam.js';
import type { Category } from '../../schemas/config.js';
import type { SyntheticProblem } from '../../schemas/records.js';
import type { CommitteeParams } from './committee-steps.js';
import type { LlmStepDef } from './llm-step.js';
import { firstParsed, prompted } from './prompted.js';

/**
 * WarriorMath stages 1 and 3 as LLM steps: examiners write problems aimed at the weak categories;
 * for a problem the student solved too often, the other members critique it and one of them
 * rewrites it. Stage 2 (defect assessment) reuses the labeller's reference step and the student's
 * difficulty step.
 */

/** One problem an examiner (lane `member`) is asked to write. */
export interface ExamTask {
  id: string;
  member: number;
  category: Category;
  weakCategories: string[];
  /** The failed training problem the examiner takes as inspiration. */
  seedIndex: number;
  seedProblem: string;
}

/**
 * An exam problem as it moves through assessment and refinement. It has no SwS difficulty level or
 * concept list; `author` is the committee lane that wrote its current text.
 */
export interface ExamProblem extends Omit<SyntheticProblem, 'level' | 'concepts'> {
  taskId: string;
  author: number;
  revision: number;
  seedIndex: number;
  solution?: string;
}

export const examineStep: LlmStepDef<ExamTask, ExamProblem, CommitteeParams> = {
  version: 1,
  lanes: (p) => p.members.length,
  outputSchema: 'SyntheticProblem',
  parser: 'examine',
  requests: (rec, p) => [
    prompted(
      'examine',
      { category: rec.category, weakCategories: rec.weakCategories, seedProblem: rec.seedProblem },
      { lane: rec.member, temperature: p.temperature, max_tokens: p.max_tokens },
    ),
  ],
  collect(rec, [result]) {
    const parsed = firstParsed<string>(result!);
    if (!parsed.ok) return { out: [], dropped: `not a valid problem (${parsed.reason})` };
    return {
      out: [
        {
          id: rec.id,
          taskId: rec.id,
          category: rec.category,
          problem: parsed.value,
          author: rec.member,
          revision: 0,
          seedIndex: rec.seedIndex,
        },
      ],
    };
  },
};

/** The current text's own fields: its answer and the student's accuracy go with the old text. */
function textOf(rec: ExamProblem): ExamProblem {
  return {
    id: rec.id,
    taskId: rec.taskId,
    category: rec.category,
    problem: rec.problem,
    author: rec.author,
    revision: rec.revision,
    seedIndex: rec.seedIndex,
  };
}

const critics = (author: number, members: number): number[] =>
  Array.from({ length: members }, (_, lane) => lane).filter((lane) => lane !== author);

export interface CritiquedProblem extends ExamProblem {
  critiques: string[];
}

/** Every member but the author critiques the problem, each on its own lane. */
export const critiqueStep: LlmStepDef<ExamProblem, CritiquedProblem, CommitteeParams> = {
  version: 1,
  lanes: (p) => p.members.length,
  outputSchema: 'SyntheticProblem',
  parser: 'critique',
  requests: (rec, p) =>
    critics(rec.author, p.members.length).map((lane) =>
      prompted('critique', { problem: rec.problem }, { lane, temperature: p.temperature }),
    ),
  collect(rec, results) {
    const critiques = results.flatMap((r) => {
      const parsed = firstParsed<string>(r);
      return parsed.ok ? [parsed.value] : [];
    });
    if (critiques.length === 0) return { out: [], dropped: 'no critique' };
    return { out: [{ ...textOf(rec), critiques }] };
  },
};

export interface RefineParams extends CommitteeParams {
  /** WarriorMath: the author revises its own problem. Absent (older runs): the next member does. */
  byAuthor?: boolean;
}

const refinerOf = (author: number, p: RefineParams): number =>
  p.byAuthor ? author : nextMember(author, p.members.length);

/** The author (or, in older runs, the member after it) rewrites the problem to answer the critiques. */
export const refineStep: LlmStepDef<CritiquedProblem, ExamProblem, RefineParams> = {
  version: 1,
  lanes: (p) => p.members.length,
  outputSchema: 'SyntheticProblem',
  parser: 'refine',
  requests: (rec, p) => [
    prompted(
      'refine',
      { problem: rec.problem, critiques: rec.critiques },
      { lane: refinerOf(rec.author, p), temperature: p.temperature, max_tokens: p.max_tokens },
    ),
  ],
  collect(rec, [result], p) {
    const parsed = firstParsed<string>(result!);
    if (!parsed.ok) return { out: [], dropped: `refinement not a valid problem (${parsed.reason})` };
    const revision = rec.revision + 1;
    return {
      out: [
        {
          ...textOf(rec),
          id: `${rec.taskId}-v${revision}`,
          problem: parsed.value,
          author: refinerOf(rec.author, p),
          revision,
        },
      ],
    };
  },
};
