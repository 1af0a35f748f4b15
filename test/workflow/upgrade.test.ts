import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { startRun } from '../../cli/run.js';
import { RELEASE_BUNDLE, RELEASES_DIR } from '../../infra/release-bundle.js';
import { ENCRYPTED_ENCODING, newCodecKeyEntry } from '../../workers/codec.js';
import { statusQuery, type RunStatus } from '../../workflows/contract.js';
import { duplicateSubmissions, runningJobs } from '../chaos/job-faults.js';
import { artifactDigests, differing } from '../chaos/measure.js';
import {
  createHarness,
  decodedHistoryText,
  historyText,
  payloadsOf,
  sharedBundle,
  type Harness,
} from './harness.js';
import { ledger } from './ledger.js';
import { killWorker, spawnWorker, until } from './processes.js';

/**
 * A run that starts on a released version of drillmaster and finishes on the current one: the
 * release's workflow code is its kept prebuilt bundle (test/fixtures/releases/<version>/), loaded
 * by a worker process the way a deploy loads it (DRILL_WORKFLOW_BUNDLE). Its worker is SIGKILLed
 * inside a training job some stages in, and a worker of the current build takes the run over:
 * it replays the old code's history, re-attaches to the job and runs the remaining stages.
 *
 * The release is the newest one kept before package.json's version: the one whose runs are in
 * flight when this version deploys. Runs of older releases are checked by replay.test.ts (every
 * kept history replays on this code); one live upgrade keeps this test's time flat.
 */
const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const RELEASE = (await readdir(RELEASES_DIR, { withFileTypes: true }))
  .filter((d) => d.isDirectory() && byNumber(d.name, version) < 0)
  .map((d) => d.name)
  .sort(byNumber)
  .at(-1)!;
/**
 * Payloads encrypted throughout (DRILL_CODEC_KEYS), with the key rotated at the deploy as the
 * README says: the old build encrypts under k1; the new build lists k2 first (it encrypts under
 * k2) and keeps k1 to read what the old one wrote. The client starts runs under k1 and reads both.
 * The codec runs in the worker process, which is current code in both workers (a release keeps
 * its workflow code only): this shows the old workflow code's encrypted history replaying and
 * finishing under a new key, not an old worker binary's codec.
 */
const K1 = newCodecKeyEntry('k1');
const K2 = newCodecKeyEntry('k2');
const OLD_KEYS = { DRILL_CODEC_KEYS: K1 };
const NEW_KEYS = { DRILL_CODEC_KEYS: `${K2},${K1}` };
/** Long enough for the kill to land inside the job. */
const TRAIN_SECONDS = 4;
/** The stage the old worker dies in: after ingest, RL, evaluation, weakness, synthesis and gold. */
const KILLED_IN = 'sft';

let h: Harness;
const suffix = () => h.settings.queuePrefix.split('-').at(-1)!.replace('/', '');
const workers: ChildProcess[] = [];
before(async () => {
  h = await createHarness('upgrade', { codecKeys: `${K1},${K2}` });
});
after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await h?.close();
});

void it(`a run started on ${RELEASE} finishes on the current code, no stage redone, same artifacts`, async () => {
  const current = join(h.dir, 'current-bundle.js');
  await writeFile(current, (await sharedBundle()).code);
  const spawn = (bundle: string, env: NodeJS.ProcessEnv = {}) => {
    const w = spawnWorker(h, TRAIN_SECONDS, { DRILL_WORKFLOW_BUNDLE: bundle, ...env });
    workers.push(w);
    return w;
  };
  const config = (name: string, runId: string) =>
    h.config({
      runId,
      dir: join(h.dir, name),
      stages: { sampler: { budget: 40 }, dpo: { rounds: 1, rollouts: 8 }, evaluation: { samples: 2 } },
    });
  const t0 = Date.now();
  const upgraded = await config('upgraded', `upgrade-${suffix()}`);

  // All on the current code, beside the upgraded run on its own task queues: what that run must reproduce.
  const referencePrefix = `${h.settings.queuePrefix}reference/`;
  const referenceWorker = spawn(current, { DRILL_QUEUE_PREFIX: referencePrefix, ...NEW_KEYS });
  const referenceConfig = await config('reference', `${upgraded.runId}-reference`);
  const referenceRun = startRun(h.client, referenceConfig, referencePrefix).then(async (run) => {
    const status = (await run.result()) as RunStatus;
    await killWorker(referenceWorker);
    return { status, seconds: (Date.now() - t0) / 1000 };
  });

  const { backend } = upgraded.jobs;
  assert.ok(backend.kind === 'local', 'the upgrade test runs jobs as local processes');
  const old = spawn(join(RELEASES_DIR, RELEASE, RELEASE_BUNDLE), OLD_KEYS);
  const handle = await startRun(h.client, upgraded, h.settings.queuePrefix);
  const job = await until(
    `the ${KILLED_IN} job to run`,
    async () => (await runningJobs(backend.workdir)).find((j) => j.name.includes(`-r0-${KILLED_IN}-`)),
    20 * 60_000,
  );
  const before = await handle.query(statusQuery);
  await killWorker(old);
  const worker = spawn(current, NEW_KEYS);
  const status = (await handle.result()) as RunStatus;
  await killWorker(worker);
  const upgradeSeconds = (Date.now() - t0) / 1000;
  const reference = await referenceRun;

  const finishedBefore = before.stages.map((s) => s.workflowId);
  const stages = status.stages.map((s) => `r${s.round}/${s.stage}`);
  const diff = differing(artifactDigests(reference.status), artifactDigests(status));
  console.error(
    `[upgrade] ${RELEASE} → current: killed in ${job.name} after ${finishedBefore.length} stages; ` +
      `${stages.length} stages, ${artifactDigests(status).size} artifacts, ${diff.length} differ from the all-current run; ` +
      `seconds side by side: all-current ${reference.seconds.toFixed(0)}, upgraded ${upgradeSeconds.toFixed(0)}`,
  );
  assert.equal(status.phase, 'completed');
  assert.ok(finishedBefore.length >= 3, `${finishedBefore.length} stages finished on ${RELEASE}`);

  // Both builds ran it: the run's workflow tasks were completed by the old worker and the new one.
  const history = await handle.fetchHistory();
  const identities = new Set(
    history.events?.map((e) => e.workflowTaskCompletedEventAttributes?.identity).filter(Boolean),
  );
  for (const pid of [old.pid, worker.pid])
    assert.ok(
      [...identities].some((i) => i!.startsWith(`${pid}@`)),
      `worker ${pid} ran the workflow`,
    );
  // It completed with its report (patched 'report-artifact' after 0.1.0), the memo read through the codec.
  const { memo } = await handle.describe();
  assert.match(String(memo?.report), /report/, 'the run wrote its report');

  // Both builds encrypted everything they wrote: no stored payload names the run's store, decoded
  // they do; the old build's payloads are under k1, the new build's under k2.
  const store = join(h.dir, 'upgraded');
  assert.ok(
    (await decodedHistoryText(h, handle.workflowId)).includes(store),
    'decoded, the history names the store',
  );
  for (const id of [handle.workflowId, ...status.stages.map((s) => s.workflowId)])
    assert.ok(!(await historyText(h, id)).includes(store), `${id}: a payload in clear names the store`);
  const keyIds = new Set(
    payloadsOf((await handle.fetchHistory()).events)
      .filter((p) => Buffer.from(p.metadata?.encoding ?? []).toString() === ENCRYPTED_ENCODING)
      .map((p) => Buffer.from(p.metadata?.['encryption-key-id'] ?? []).toString()),
  );
  assert.deepEqual([...keyIds].sort(), ['k1', 'k2']);

  // Stages finished on the old code were not run again, and nothing was produced or submitted twice.
  for (const workflowId of finishedBefore) {
    let runs = 0;
    for await (const _ of h.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs++;
    assert.equal(runs, 1, `${workflowId} ran ${runs} times`);
  }
  assert.equal(await duplicateSubmissions(backend.workdir), 0, 'no training job submitted twice');
  const submissions = await readFile(join(backend.workdir, 'submissions.log'), 'utf8');
  assert.equal(submissions.split('\n').filter((l) => l.split(' ')[1] === job.name).length, 1);
  for (const [key, n] of await ledger(join(h.dir, 'upgraded', 'store')))
    assert.equal(n, 1, `${key} was produced ${n} times`);

  // No workflow change since the release alters a stage's inputs or outputs.
  assert.deepEqual(
    stages,
    reference.status.stages.map((s) => `r${s.round}/${s.stage}`),
  );
  assert.deepEqual(diff, [], `artifacts differ: ${diff.join(', ')}`);
});
