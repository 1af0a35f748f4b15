import assert from 'node:assert/strict';
import { it } from 'node:test';
import { STAGE_KINDS, stageKind } from '../../contract/stages.js';
import { StagesConfig } from '../../schemas/config.js';
import * as workflows from '../../workflows/index.js';
import { STAGE_WORKFLOWS } from '../../workflows/stage-table.js';

void it('every stages.* config section is read by some stage kind', () => {
  const read = new Set(Object.values(STAGE_KINDS).flatMap((k) => k.config));
  assert.deepEqual([...read].sort(), Object.keys(StagesConfig.shape).sort());
});

void it('the workflow bundle exports the loop and exactly the child workflows of the stage table', () => {
  const children = new Set(Object.values(STAGE_WORKFLOWS).map((w) => w.name));
  assert.deepEqual(Object.keys(workflows).sort(), ['trainingLoop', ...children].sort());
  for (const name of children) assert.equal(workflows[name as keyof typeof workflows].name, name);
});

void it('a stage name maps back to its kind', () => {
  assert.equal(stageKind('dpo-2'), 'dpo');
  assert.equal(stageKind('evaluation.dpo-1'), 'evaluation');
  assert.equal(stageKind('augmented-rl'), 'augmented-rl');
  assert.ok(stageKind('sft') in STAGE_KINDS);
});
