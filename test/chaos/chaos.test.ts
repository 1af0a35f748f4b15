import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BOUNDED, runChaos, summarize } from './chaos.js';

/**
 * The bounded chaos run (test/chaos/chaos.ts): an undisturbed run, then the same run cancelled
 * mid-stage, restarted, and put through every kind of fault, ends with the same artifacts.
 */
void it('a run under worker kills, a Temporal crash, an S3 outage, LLM and job faults and a cancel ends like an undisturbed one', async () => {
  const report = await runChaos(BOUNDED, 14, (line) => console.error(`[chaos] ${line}`));
  const { lines, ok } = summarize(BOUNDED, report);
  for (const line of lines) console.error(`[chaos] ${line}`);
  assert.deepEqual(report.differing, [], 'artifacts that differ from the undisturbed run');
  assert.equal(report.artifactsIdentical, report.artifacts);
  assert.equal(report.duplicateSubmissions, 0, 'duplicate job submissions');
  assert.equal(report.llmResentBeyondWindow, 0, 'LLM requests re-sent beyond the in-flight window');
  assert.ok(ok, lines.join('\n'));
});
