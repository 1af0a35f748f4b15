import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  critiqueStep,
  examineStep,
  refineStep,
  type CritiquedProblem,
  type ExamProblem,
  type ExamTask,
} from '../../activities/stages/exam-steps.js';
import type { LlmResultLine } from '../../activities/stages/llm-step.js';
import { llmStep } from '../../activities/stages/registry.js';

const params = { members: ['a', 'b', 'c'], temperature: 0.6 };
const ok = (...parsed: (unknown | null)[]): LlmResultLine => ({ custom_id: '0:0', ok: true, parsed });
const failed: LlmResultLine = { custom_id: '0:0', ok: false, error: 'HTTP 500' };

const task: ExamTask = {
  id: 'r0-exam-m2-1',
  member: 2,
  category: 'Geometry',
  weakCategories: ['Geometry', 'Precalculus'],
  seedIndex: 17,
  seedProblem: 'Find the area of a triangle with sides 3, 4 and 5.',
};

const problem: ExamProblem = {
  id: 'r0-exam-m2-1',
  taskId: 'r0-exam-m2-1',
  category: 'Geometry',
  problem: 'A square has side 7. Find its diagonal squared.',
  author: 2,
  revision: 0,
  seedIndex: 17,
  answer: '98',
  solution: '... \\boxed{98}',
  studentAccuracy: 0.5,
};

void describe('examineStep', () => {
  void it('asks the task’s member, on its lane, with the weak categories and the seed problem', () => {
    const [req, ...rest] = examineStep.requests(task, params);
    assert.equal(rest.length, 0);
    assert.equal(req!.lane, 2);
    assert.equal(req!.prompt, 'examine');
    assert.equal(req!.temperature, 0.6);
    assert.match(req!.user, /- Geometry\n- Precalculus/);
    assert.ok(req!.user.includes(task.seedProblem));
  });

  void it('turns a parsed problem into revision 0 by its examiner', () => {
    const c = examineStep.collect(task, [ok('Find x.')], params);
    assert.deepEqual(c.out, [
      {
        id: 'r0-exam-m2-1',
        taskId: 'r0-exam-m2-1',
        category: 'Geometry',
        problem: 'Find x.',
        author: 2,
        revision: 0,
        seedIndex: 17,
      },
    ]);
  });

  void it('drops an answer without a valid problem, with the reason', () => {
    const c = examineStep.collect(task, [failed], params);
    assert.deepEqual(c, { out: [], dropped: 'not a valid problem (HTTP 500)' });
  });
});

void describe('critiqueStep', () => {
  void it('asks every member but the author, one lane each', () => {
    const reqs = critiqueStep.requests(problem, params);
    assert.deepEqual(
      reqs.map((r) => [r.lane, r.prompt]),
      [
        [0, 'critique'],
        [1, 'critique'],
      ],
    );
  });

  void it('keeps the valid critiques and forgets the old answer and accuracy', () => {
    const c = critiqueStep.collect(problem, [ok('Too easy.'), ok(null)], params);
    const { answer: _a, solution: _s, studentAccuracy: _acc, ...text } = problem;
    assert.deepEqual(c.out, [{ ...text, critiques: ['Too easy.'] }]);
  });

  void it('drops a problem nobody critiqued', () => {
    assert.deepEqual(critiqueStep.collect(problem, [failed, ok(null)], params), {
      out: [],
      dropped: 'no critique',
    });
  });
});

void describe('refineStep', () => {
  const critiqued: CritiquedProblem = {
    id: 'r0-exam-m2-1',
    taskId: 'r0-exam-m2-1',
    category: 'Geometry',
    problem: 'A square has side 7. Find its diagonal squared.',
    author: 2,
    revision: 0,
    seedIndex: 17,
    critiques: ['Too easy.', 'Use a cube.'],
  };

  void it('asks the member after the author, with every critique', () => {
    const [req] = refineStep.requests(critiqued, params);
    assert.equal(req!.lane, 0, 'author 2 of 3 → member 0');
    assert.ok(req!.user.includes('Too easy.') && req!.user.includes('Use a cube.'));
  });

  void it('WarriorMath: the author revises its own problem and stays its author', () => {
    const byAuthor = { ...params, byAuthor: true };
    const [req] = refineStep.requests(critiqued, byAuthor);
    assert.equal(req!.lane, 2);
    const { out } = refineStep.collect(
      critiqued,
      [ok('A cube has edge 7. Find its space diagonal squared.')],
      byAuthor,
    );
    assert.deepEqual(
      out.map((p) => [p.id, p.author, p.revision]),
      [['r0-exam-m2-1-v1', 2, 1]],
    );
  });

  void it('writes the next revision under the refiner’s name and a new id', () => {
    const c = refineStep.collect(
      critiqued,
      [ok('A cube has edge 7. Find its space diagonal squared.')],
      params,
    );
    assert.deepEqual(c.out, [
      {
        id: 'r0-exam-m2-1-v1',
        taskId: 'r0-exam-m2-1',
        category: 'Geometry',
        problem: 'A cube has edge 7. Find its space diagonal squared.',
        author: 0,
        revision: 1,
        seedIndex: 17,
      },
    ]);
    const again = refineStep.collect({ ...c.out[0]!, critiques: ['x'] }, [ok('Harder.')], params);
    assert.equal(again.out[0]!.id, 'r0-exam-m2-1-v2');
    assert.equal(again.out[0]!.author, 1);
  });

  void it('drops a refinement that is not a valid problem', () => {
    assert.deepEqual(refineStep.collect(critiqued, [ok(null)], params), {
      out: [],
      dropped: 'refinement not a valid problem (no valid answer)',
    });
  });
});

void it('registers the exam steps by name', () => {
  assert.equal(llmStep('examine'), examineStep);
  assert.equal(llmStep('critique'), critiqueStep);
  assert.equal(llmStep('refine'), refineStep);
});
