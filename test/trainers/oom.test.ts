/**
 * A real training job that runs out of host memory (docs/methods.md, "Failed jobs: one rule"):
 * the SFT recipe on the real tiny student is asked for a max length that, with one 150,000-character
 * example in a padded batch, needs a causal mask of tens of GB; the job's python runs under an 8 GB
 * address-space limit (`ulimit -v`, through `jobs.trainer.python`), so torch's CPU allocator
 * refuses it on any machine. The recipe must report `DRILL_ERROR kind=oom`, the job be submitted
 * exactly `jobs.maxAttempts` times, and the stage fail non-retryably naming the stage, with the
 * last lines of the job's log. The SFT stage workflow is started on its own (the loop would first
 * serve and evaluate the base model, which this failure does not need).
 */
import { WorkflowFailedError } from '@temporalio/client';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, it } from 'node:test';
import { demoConfig } from '../../cli/demo-config.js';
import { withRealTinyStudent } from '../../cli/real-student.js';
import { FAILURE_TYPES } from '../../contract/failures.js';
import { taskQueues } from '../../contract/queues.js';
import { stageWorkflowId } from '../../workflows/contract.js';
import { RunConfig } from '../../schemas/config.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Checkpoint } from '../../schemas/records.js';
import { createHarness, rootFailure, type Harness } from '../workflow/harness.js';

/** Address space the job's python may map: the trainers venv imports in about 3.1 GB. */
const LIMIT_KB = 8_000_000;
const MAX_ATTEMPTS = 2;

let h: Harness;
let config: RunConfig;
let jobsDir: string;

before(async () => {
  h = await createHarness('oom');
  await h.startWorkers();
  const runId = `oom-${h.settings.queuePrefix.split('-')[2]!.replace('/', '')}`;
  const input = withRealTinyStudent(
    await demoConfig({
      dir: h.dir,
      runId,
      simulatorUrl: h.sim.url,
      trainPerCategory: 1,
      benchmarkPerCategory: 1,
      rounds: 1,
    }),
    h.dir,
  );
  const trainer = input.jobs!.trainer as { kind: 'trl'; python: string; recipes: Record<string, object> };
  const limited = join(h.dir, 'python-limited');
  writeFileSync(limited, `#!/bin/sh\nulimit -v ${LIMIT_KB}\nexec '${trainer.python}' "$@"\n`);
  chmodSync(limited, 0o755);
  config = RunConfig.parse({
    ...input,
    jobs: {
      ...input.jobs,
      maxAttempts: MAX_ATTEMPTS,
      trainer: {
        ...trainer,
        python: limited,
        recipes: { ...trainer.recipes, sft: { perDeviceBatchSize: 2, maxSteps: 1, maxLength: 400_000 } },
      },
    },
  });
  assert.ok(config.jobs.backend.kind === 'local');
  jobsDir = config.jobs.backend.workdir;
});
after(() => h?.close());

/** Two gold examples, one of ~150,000 characters of base64 (the tiny byte-level BPE hardly merges them: ~150,000 tokens, a 22 GB mask). */
function sftInput(): ArtifactRef {
  const rows = [
    {
      messages: [
        { role: 'user', content: randomBytes(112_500).toString('base64') },
        { role: 'assistant', content: '2' },
      ],
    },
    {
      messages: [
        { role: 'user', content: '1+1?' },
        { role: 'assistant', content: '2' },
      ],
    },
  ];
  const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const path = join(h.dir, 'gold-sft.jsonl');
  writeFileSync(path, text);
  return {
    uri: pathToFileURL(path).href,
    sha256: createHash('sha256').update(text).digest('hex'),
    count: rows.length,
    schema: 'SftExample',
  };
}

void it('an SFT job out of host memory is retried up to jobs.maxAttempts, then fails the stage with its log', async () => {
  const base: Checkpoint = {
    name: 'tiny-student',
    weightsUri: config.model,
    parent: null,
    stage: 'base',
    simulated: false,
  };
  const handle = await h.client.workflow.start('sftStage', {
    taskQueue: taskQueues(h.settings.queuePrefix).orchestration,
    workflowId: stageWorkflowId(config.runId, 0, 'sft'),
    args: [{ ctx: { runId: config.runId, round: 0, stage: 'sft', config }, sft: sftInput(), base }],
  });
  const err = await handle.result().then(
    () => assert.fail('the SFT stage should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError);
  const { message, type } = rootFailure(err);
  assert.equal(type, FAILURE_TYPES.trainingJobFailed, 'given up: not retryable any more');
  const jobName = new RegExp(
    `training job (${config.runId}-r0-sft-[0-9a-f]+) failed \\(exit 1\\): oom: out of memory`,
  );
  const named = jobName.exec(message);
  assert.ok(named, `the failure names the stage's job: ${message.slice(0, 300)}`);
  // The log tail: torch's own allocator error and the recipe's classification line.
  assert.match(message, /--- stderr\.log[\s\S]*DefaultCPUAllocator: can't allocate memory/);
  assert.match(message, /DRILL_ERROR kind=oom out of memory: /);

  // Exactly maxAttempts submissions of the one job name, each ending in the recipe's oom line.
  const submissions = readFileSync(join(jobsDir, 'submissions.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes(` ${named[1]} `));
  assert.equal(submissions.length, MAX_ATTEMPTS);
  const folders = readdirSync(jobsDir).filter((d) => d.startsWith(named[1]!));
  assert.equal(folders.length, MAX_ATTEMPTS, `one folder per attempt: ${folders.join(', ')}`);
  for (const d of folders) {
    assert.match(readFileSync(join(jobsDir, d, 'stderr.log'), 'utf8'), /DRILL_ERROR kind=oom /);
  }
  const history = await handle.fetchHistory();
  const started = history.events!.filter((e) => e.activityTaskStartedEventAttributes);
  assert.equal(started.at(-1)!.activityTaskStartedEventAttributes!.attempt, MAX_ATTEMPTS);
});
