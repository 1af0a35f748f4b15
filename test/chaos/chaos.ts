import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRun } from '../../cli/run.js';
import { createRng } from '../../core/rng.js';
import type { RunConfig } from '../../schemas/config.js';
import type { RunStatus } from '../../workflows/contract.js';
import { createHarness, sharedBundle } from '../workflow/harness.js';
import { killWorker, spawnWorker, until } from '../workflow/processes.js';
import { duplicateSubmissions, loseJob, preemptJob, runningJobs } from './job-faults.js';
import { accountedCalls, artifactDigests, differing } from './measure.js';
import { crashTemporal, s3Outage } from './stack-faults.js';

/**
 * The chaos test: the simulated loop on the real stack (Temporal, SeaweedFS S3, worker and job
 * processes) run once undisturbed, then again under faults, its final artifacts compared with the
 * undisturbed run's by sha256. Each faulty run first is cancelled in the middle of a training job
 * and started again on the same store and job folder, so nothing the cancelled attempt left behind
 * may be taken as finished; the restarted run then gets every other fault at seeded moments.
 */
export interface ChaosPlan {
  faultyRuns: number;
  rounds: number;
  /** worker SIGKILLs per faulty run, at seeded moments */
  workerKills: number;
  /** seconds the S3 server stays down */
  s3OutageSeconds: number;
}

export const BOUNDED: ChaosPlan = { faultyRuns: 1, rounds: 1, workerKills: 5, s3OutageSeconds: 30 };
export const FULL: ChaosPlan = { faultyRuns: 3, rounds: 2, workerKills: 10, s3OutageSeconds: 30 };

export interface ChaosReport {
  faults: Record<string, number>;
  runsCompleted: number;
  runsCancelled: number;
  artifacts: number;
  artifactsIdentical: number;
  differing: string[];
  duplicateSubmissions: number;
  /** LLM calls the endpoint received that no run's accounts explain */
  llmResent: number;
  /** what interruptions may cost: the calls in flight when each one struck */
  llmInFlightWindow: number;
  llmResentBeyondWindow: number;
  seconds: { reference: number; faulty: number[] };
}

/** Calls in flight per LLM endpoint of the config: the most one interruption can lose. */
const IN_FLIGHT = 32;
/** Seconds a simulated training job takes: long enough for a fault to land while it runs. */
const TRAIN_SECONDS = 4;

/** How long a step of the run may take on a loaded machine before the test gives up. */
const LONG_MS = 30 * 60_000;

/** Per-request fault rates at the LLM endpoint through a faulty run (the simulator draws them). */
const LLM_FAULTS = { rate429: 0.03, rate500: 0.03, rateHang: 0.005, rateTruncated: 0.02, rateNonJson: 0.02 };
const NO_LLM_FAULTS = { rate429: 0, rate500: 0, rateHang: 0, rateTruncated: 0, rateNonJson: 0 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(
  plan: ChaosPlan,
  seed: number,
  log: (line: string) => void,
): Promise<ChaosReport> {
  const h = await createHarness('chaos');
  const workers: ChildProcess[] = [];
  // Built once: a worker restarted after a kill starts in seconds instead of bundling again.
  const bundle = join(h.dir, 'workflow-bundle.js');
  const spawn = () => {
    const w = spawnWorker(h, TRAIN_SECONDS, { DRILL_WORKFLOW_BUNDLE: bundle });
    workers.push(w);
    return w;
  };
  const faults: Record<string, number> = {};
  const injected = (what: string) => {
    faults[what] = (faults[what] ?? 0) + 1;
    log(`fault: ${what}`);
  };
  try {
    await writeFile(bundle, (await sharedBundle()).code);
    const runId = `chaos-${h.settings.queuePrefix.split('-').at(-1)!.replace('/', '')}`;
    const config = (name: string) =>
      h.config({
        runId,
        dir: join(h.dir, name),
        rounds: plan.rounds,
        // A smaller synthesis than the harness's default keeps the bounded run near 5 min on an idle machine.
        stages: { sampler: { budget: 40 }, dpo: { rounds: 1, rollouts: 8 }, evaluation: { samples: 2 } },
        store: {
          kind: 's3',
          bucket: process.env.DRILL_S3_BUCKET ?? 'drillmaster',
          endpoint: process.env.DRILL_S3_ENDPOINT,
          prefix: `${runId}/${name}`,
        },
      });
    // Hung calls are cut after a few seconds rather than the default budget for long answers.
    const withShortTimeouts = (c: RunConfig): RunConfig => ({
      ...c,
      endpoints: Object.fromEntries(
        Object.entries(c.endpoints).map(([k, e]) => [
          k,
          { ...e, timeoutMs: 5_000, timeoutMsPerToken: 0, maxConcurrency: IN_FLIGHT },
        ]),
      ),
    });

    // The undisturbed reference.
    let t0 = Date.now();
    let worker = spawn();
    const reference = withShortTimeouts(await config('reference'));
    let calls = h.sim.totalRequests();
    const refStatus = (await (
      await startRun(h.client, reference, h.settings.queuePrefix)
    ).result()) as RunStatus;
    // Calls outside any account (e.g. embeddings) in an undisturbed run: the baseline.
    const baseline = h.sim.totalRequests() - calls - accountedCalls(refStatus);
    const referenceSeconds = (Date.now() - t0) / 1000;
    const refDigests = artifactDigests(refStatus);
    log(`reference run: ${refDigests.size} artifacts in ${referenceSeconds.toFixed(0)} s`);
    await killWorker(worker);

    const report: ChaosReport = {
      faults,
      runsCompleted: 1,
      runsCancelled: 0,
      artifacts: 0,
      artifactsIdentical: 0,
      differing: [],
      duplicateSubmissions: 0,
      llmResent: 0,
      llmInFlightWindow: 0,
      llmResentBeyondWindow: 0,
      seconds: { reference: referenceSeconds, faulty: [] },
    };

    for (let r = 0; r < plan.faultyRuns; r++) {
      const rng = createRng(seed + r);
      const name = `faulty-${r}`;
      const faulty = withShortTimeouts(await config(name));
      const { backend } = faulty.jobs;
      if (backend.kind !== 'local') throw new Error('the chaos test runs jobs as local processes');
      const jobsDir = backend.workdir;
      t0 = Date.now();
      calls = h.sim.totalRequests();
      worker = spawn();

      // 1. Cancel in the middle of the first training job; the job must stop.
      const cancelled = await startRun(h.client, faulty, h.settings.queuePrefix);
      const [job] = await until(
        'a training job to run',
        async () => {
          const running = await runningJobs(jobsDir);
          return running.length > 0 ? running : undefined;
        },
        LONG_MS,
      );
      await cancelled.cancel();
      await cancelled.result().then(
        () => {
          throw new Error('the cancelled run completed');
        },
        () => undefined,
      );
      await until(
        `cancelled job ${job!.name} to stop`,
        async () => ((await runningJobs(jobsDir)).some((j) => j.name === job!.name) ? undefined : true),
        LONG_MS,
      );
      injected('cancel mid-stage');
      report.runsCancelled++;

      // 2. The same run again, with faults at seeded moments over about the reference's duration.
      h.sim.setFaults({
        rate429: 0.03,
        rate500: 0.03,
        rateHang: 0.005,
        rateTruncated: 0.02,
        rateNonJson: 0.02,
      });
      injected('LLM faults on (429, 500, hang, truncated, non-JSON)');
      const start = Date.now();
      const handle = await startRun(h.client, faulty, h.settings.queuePrefix);
      let done = false;
      const result = handle.result().finally(() => (done = true));
      const at = (fraction: number) => start + fraction * referenceSeconds * 1000;
      const waitUntil = async (time: number) => {
        while (!done && Date.now() < time) await sleep(200);
        return !done;
      };
      let interruptions = 0;

      const killer = (async () => {
        const times = Array.from({ length: plan.workerKills }, () => at(0.05 + 0.9 * rng.next())).sort();
        for (const t of times) {
          if (!(await waitUntil(t))) return;
          await killWorker(worker);
          injected('worker SIGKILL');
          interruptions++;
          worker = spawn();
        }
      })();
      const temporal = (async () => {
        if (!(await waitUntil(at(0.2 + 0.4 * rng.next())))) return;
        await crashTemporal();
        injected('Temporal server SIGKILL + restart');
      })();
      const s3 = (async () => {
        if (!(await waitUntil(at(0.3 + 0.4 * rng.next())))) return;
        injected('S3 server stopped');
        interruptions++;
        await s3Outage(plan.s3OutageSeconds);
      })();
      const storm = (async () => {
        if (!(await waitUntil(at(0.1 + 0.8 * rng.next())))) return;
        h.sim.setFaults({ ...NO_LLM_FAULTS, rate429: 1, retryAfterSeconds: 1 });
        injected('429 storm with Retry-After');
        await sleep(5_000);
        h.sim.setFaults(LLM_FAULTS);
      })();
      // The second and third training jobs of the run: one loses its node, one is preempted.
      const jobFaults = (async () => {
        const seen = new Set<string>();
        for (const fault of ['lost', 'preempted'] as const) {
          const target = await until(
            'a training job to fault',
            async () => {
              if (done) return null;
              const running = (await runningJobs(jobsDir)).filter((j) => !seen.has(j.name));
              running.forEach((j) => seen.add(j.name));
              return running[0];
            },
            LONG_MS,
          );
          if (target === null) return;
          if (fault === 'lost') loseJob(target.pid);
          else if (!(await preemptJob(target.pid))) continue;
          injected(fault === 'lost' ? 'training job lost (node failure)' : 'training job preempted');
        }
      })();

      // An injector that fails must not leave the run going unseen: its error ends the test.
      const injectors = Promise.all([killer, temporal, s3, storm, jobFaults]);
      let injectorError: unknown;
      injectors.catch((err: unknown) => {
        injectorError = err;
        return handle.terminate(`a fault injector failed: ${String(err)}`).catch(() => undefined);
      });
      // The injector's own error says what went wrong; the terminated run only says that it was.
      const status = (await result.catch((err: unknown) => {
        throw injectorError ?? err;
      })) as RunStatus;
      await injectors;
      h.sim.setFaults(NO_LLM_FAULTS);
      await killWorker(worker);
      report.seconds.faulty.push((Date.now() - t0) / 1000);
      report.runsCompleted += status.phase === 'completed' ? 1 : 0;

      const digests = artifactDigests(status);
      const diff = differing(refDigests, digests);
      report.artifacts += refDigests.size;
      report.artifactsIdentical += refDigests.size - diff.filter((d) => refDigests.has(d)).length;
      report.differing.push(...diff.map((d) => `${name}: ${d}`));
      report.duplicateSubmissions += await duplicateSubmissions(jobsDir);
      const resent = h.sim.totalRequests() - calls - accountedCalls(status) - baseline;
      report.llmResent += resent;
      report.llmInFlightWindow += (interruptions + 1) * IN_FLIGHT; // + 1: the cancel
      log(`${name}: ${status.phase}, ${diff.length} artifacts differ, ${resent} LLM calls re-sent`);
    }
    report.llmResentBeyondWindow = Math.max(0, report.llmResent - report.llmInFlightWindow);
    return report;
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    h.sim.setFaults(NO_LLM_FAULTS);
    await h.close();
  }
}

/** Faults every faulty run must have seen (worker kills are counted against the plan). */
const EVERY_FAULT = [
  'cancel mid-stage',
  'Temporal server SIGKILL + restart',
  'S3 server stopped',
  '429 storm with Retry-After',
  'training job lost (node failure)',
  'training job preempted',
];

/** Lines a person reads, and whether the run met every promise. */
export function summarize(plan: ChaosPlan, report: ChaosReport): { lines: string[]; ok: boolean } {
  const total = Object.values(report.faults).reduce((a, b) => a + b, 0);
  const lines = [
    `faults injected: ${total} (${Object.entries(report.faults)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ')})`,
    `runs completed: ${report.runsCompleted} of ${1 + plan.faultyRuns} (+ ${report.runsCancelled} cancelled mid-stage and restarted)`,
    `artifacts identical: ${report.artifactsIdentical} of ${report.artifacts}`,
    ...report.differing.map((d) => `  differs: ${d}`),
    `duplicate job submissions: ${report.duplicateSubmissions}`,
    `LLM requests re-sent: ${report.llmResent} (in-flight window ${report.llmInFlightWindow}); beyond the window: ${report.llmResentBeyondWindow}`,
    `seconds: reference ${report.seconds.reference.toFixed(0)}, faulty ${report.seconds.faulty.map((s) => s.toFixed(0)).join(', ')}`,
  ];
  const ok =
    report.runsCompleted === 1 + plan.faultyRuns &&
    report.artifacts > 0 &&
    report.artifactsIdentical === report.artifacts &&
    report.differing.length === 0 &&
    report.duplicateSubmissions === 0 &&
    report.llmResentBeyondWindow === 0 &&
    (report.faults['worker SIGKILL'] ?? 0) >= plan.workerKills * plan.faultyRuns &&
    EVERY_FAULT.every((f) => (report.faults[f] ?? 0) > 0);
  return { lines, ok };
}
