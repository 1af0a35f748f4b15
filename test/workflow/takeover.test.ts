import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, it } from 'node:test';
import { startRun } from '../../cli/run.js';
import { stageWorkflowId } from '../../workflows/contract.js';
import type { IngestResult } from '../../workflows/stages/ingest.js';
import { createHarness, sharedBundle, type Harness } from './harness.js';
import { killWorker, spawnWorker, until } from './processes.js';

let h: Harness;
const workers: ChildProcess[] = [];
before(async () => {
  h = await createHarness('takeover');
});
after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await h?.close();
});

/**
 * An orchestration activity whose worker is SIGKILLed is retried on another worker once its
 * heartbeat timeout passes, not after its start-to-close timeout (30 min). The training set is a
 * named pipe, so the ingest activity waits on it, in flight, for as long as the test needs.
 */
void it('a SIGKILLed worker’s orchestration activity is taken over by another within the heartbeat timeout', async () => {
  const config = await h.config();
  const trainPath = fileURLToPath(config.data.trainSet);
  const rows = await readFile(trainPath);
  await rm(trainPath);
  execFileSync('mkfifo', [trainPath]);

  const bundle = join(h.dir, 'workflow-bundle.js');
  await writeFile(bundle, (await sharedBundle()).code);
  const spawn = () => {
    const w = spawnWorker(h, 1, { DRILL_WORKFLOW_BUNDLE: bundle });
    workers.push(w);
    return w;
  };
  const first = spawn();
  const run = await startRun(h.client, config, h.settings.queuePrefix);
  const ingest = h.client.workflow.getHandle(stageWorkflowId(config.runId, 0, 'ingest'));
  /** The pending ingest activity once a worker with this pid has started it. */
  const startedBy = (pid: number) => async () => {
    const pending = await ingest.describe().then(
      (d) => d.raw.pendingActivities ?? [],
      () => [],
    );
    return pending.find((a) => a.lastWorkerIdentity?.startsWith(`${pid}@`));
  };

  await until('the first worker to start the ingest activity', startedBy(first.pid!));
  await killWorker(first);
  const killedAt = Date.now();
  const second = spawn();
  const takenOver = await until('the second worker to take the ingest activity over', startedBy(second.pid!));
  const seconds = (Date.now() - killedAt) / 1000;

  const scheduled = (await ingest.fetchHistory()).events?.find(
    (e) => e.activityTaskScheduledEventAttributes,
  )?.activityTaskScheduledEventAttributes;
  const heartbeatTimeout = Number(scheduled?.heartbeatTimeout?.seconds ?? 0);
  console.error(
    `[takeover] attempt ${takenOver.attempt} started on the new worker ${seconds.toFixed(1)} s after the kill (heartbeat timeout ${heartbeatTimeout} s)`,
  );
  assert.ok(heartbeatTimeout > 0, 'orchestration activities have a heartbeat timeout');
  assert.equal(takenOver.attempt, 2);
  // The timeout, the first retry's 2 s backoff and a loaded machine's slack; 30 min before the fix.
  assert.ok(seconds < heartbeatTimeout + 30, `taken over after ${seconds.toFixed(1)} s`);

  // The new attempt waits in its first read of the pipe (the file's hash); its second read (the
  // rows) finds a plain file with the same bytes, so the pipe is moved aside, then written.
  const pipe = `${trainPath}.pipe`;
  await rename(trainPath, pipe);
  await writeFile(trainPath, rows);
  await writeFile(pipe, rows);
  const result = (await ingest.result()) as IngestResult;
  assert.equal(result.trainSet.count, rows.toString('utf8').trim().split('\n').length);
  await run.terminate('the test needs only the ingest stage');
});
