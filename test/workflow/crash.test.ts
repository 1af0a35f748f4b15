import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { startRun } from '../../cli/run.js';
import type { RunStatus } from '../../workflows/contract.js';
import { createHarness, type Harness } from './harness.js';
import { ledger } from './ledger.js';
import { killWorker, spawnWorker, until } from './processes.js';

let h: Harness;
const workers: ChildProcess[] = [];
before(async () => {
  h = await createHarness('crash');
});
after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await h?.close();
});

void it('survives a SIGKILLed worker mid-stage without producing any output twice', async () => {
  const config = await h.config({
    stages: { sampler: { budget: 40 }, dpo: { rounds: 1, rollouts: 8 }, evaluation: { samples: 2 } },
  });
  const { backend } = config.jobs;
  assert.ok(backend.kind === 'local', 'the crash test runs jobs as local processes');
  const jobsDir = backend.workdir;
  workers.push(spawnWorker(h));
  const handle = await startRun(h.client, config, h.settings.queuePrefix);

  // Kill the worker while the initial RL job (a separate process) is running.
  const rlJob = await until('the RL job to start', async () => {
    if (!existsSync(jobsDir)) return undefined;
    const names = (await readdir(jobsDir)).filter((n) => n.includes('-r0-rl-') && !n.includes('.'));
    const job = names.find(
      (n) => existsSync(join(jobsDir, n, 'handle.json')) && !existsSync(join(jobsDir, n, 'exit_code')),
    );
    return job;
  });
  await killWorker(workers[0]!);

  workers.push(spawnWorker(h));
  const status = (await handle.result()) as RunStatus;
  assert.equal(status.phase, 'completed');

  // The RL job kept running without a worker and was re-attached, not submitted again.
  const submissions = (await readFile(join(jobsDir, 'submissions.log'), 'utf8')).trim().split('\n');
  const names = submissions.map((l) => l.split(' ')[1]);
  assert.equal(names.filter((n) => n === rlJob).length, 1, 'the RL job was submitted once');
  assert.equal(new Set(names).size, names.length, 'no training job was submitted twice');
  assert.equal((await readFile(join(jobsDir, rlJob, 'exit_code'), 'utf8')).trim(), '0');

  const produced = await ledger(join(h.dir, 'store'));
  assert.ok(produced.size > 10, `ledger has ${produced.size} step outputs`);
  for (const [key, n] of produced) assert.equal(n, 1, `${key} was produced ${n} times`);
});
