import cliProgress from 'cli-progress';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startSimulator } from '../infra/simulator/server.js';
import { RunConfig } from '../schemas/config.js';
import type { StageRecord } from '../contract/records.js';
import type { RunStatus } from '../workflows/contract.js';
import { createLogger, installRuntimeLogger } from '../workers/logger.js';
import { startWorkers } from '../workers/run.js';
import type { Settings } from '../workers/settings.js';
import { connectClient, workflowUiUrl } from './client.js';
import { demoConfig } from './demo-config.js';
import { withRealTinyStudent } from './real-student.js';
import { writeRunReport } from './report-file.js';
import { fullReport, stageLine } from './report.js';
import { startRun, watchRun } from './run.js';

/** Stages a run is expected to have, for the progress bar (DPO may stop early). */
function expectedStages(c: RunConfig): number {
  const perRound = 2 + 3 + 2 * c.stages.dpo.rounds + (c.stages.augmentedRl.enabled ? 2 : 1);
  return 4 + c.rounds * perRound;
}

/**
 * Prints each finished stage; on a terminal a progress bar stays below the lines (cli-progress
 * only draws on a TTY, so elsewhere — CI, logs — the lines are printed plainly).
 */
function progress(expected: number): {
  onStage: (s: StageRecord, st: RunStatus) => void;
  finish: () => void;
} {
  if (!process.stdout.isTTY) return { onStage: (s) => console.log(stageLine(s)), finish: () => {} };
  const bars = new cliProgress.MultiBar(
    { format: ' {bar} {value}/{total} stages | {stage}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(expected, 0, { stage: 'starting' });
  return {
    onStage(s, st) {
      bars.log(`${stageLine(s)}\n`);
      if (st.stages.length > bar.getTotal()) bar.setTotal(st.stages.length);
      bar.update(st.stages.length, { stage: st.stage ?? 'done' });
    },
    finish: () => bars.stop(),
  };
}

/**
 * The one-command demo: the simulator stands in for every model and GPU; Temporal, the store,
 * the workers and the training-job processes are real. Prints each stage as it finishes and ends
 * with the accuracy table.
 */
export async function runDemo(opts: {
  settings: Settings;
  dir: string;
  s3: boolean;
  rounds: number;
  backend: 'local' | 'slurm';
  /** A real tiny student (cli/real-student.ts) instead of the simulated one. */
  real: boolean;
}): Promise<void> {
  const dir = resolve(opts.dir);
  const simHome = join(dir, 'sim');
  process.env.DRILL_SIM_HOME = simHome; // the simulated trainer jobs inherit it
  const sim = await startSimulator({ port: 0, home: simHome });
  // The demo's own lines are the progress report; worker logs show up only for errors.
  const logger = createLogger(process.env.DRILL_LOG_LEVEL ?? 'error');
  installRuntimeLogger(logger);
  const workers = await startWorkers({
    settings: opts.settings,
    queues: ['orchestration', 'llm', 'gpuJobs'],
    logger,
  });
  const { client, close } = await connectClient(opts.settings);
  try {
    const runId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
    const store = opts.s3
      ? ({
          kind: 's3',
          bucket: process.env.DRILL_S3_BUCKET ?? 'drillmaster',
          endpoint: process.env.DRILL_S3_ENDPOINT,
        } as const)
      : undefined;
    const input = await demoConfig({
      dir,
      runId,
      simulatorUrl: sim.url,
      rounds: opts.rounds,
      backend: opts.backend,
      ...(store ? { store } : {}),
      // The real student answers on a CPU: a smaller problem set keeps a round to minutes.
      ...(opts.real
        ? { trainPerCategory: 4, benchmarkPerCategory: 2, stages: { sampler: { budget: 14 } } }
        : {}),
    });
    const config = RunConfig.parse(opts.real ? withRealTinyStudent(input, dir) : input);
    const runFile = join(dir, 'run.json');
    await writeFile(runFile, JSON.stringify({ config }, null, 2));
    console.log(
      opts.real
        ? `drillmaster demo — a real tiny student (${config.model}) trained by TRL and served per checkpoint; the simulator at ${sim.url} plays the teachers (their figures SIMULATED)`
        : `drillmaster demo — simulator at ${sim.url} stands in for every model and GPU (all figures SIMULATED)`,
    );
    console.log(`run ${runId}: config ${runFile}`);
    console.log(`Temporal UI: ${workflowUiUrl(opts.settings, runId)}`);
    await startRun(client, config, opts.settings.queuePrefix);

    const report = progress(expectedStages(config));
    const status = await watchRun(client, runId, report.onStage).finally(report.finish);
    console.log(`\n${fullReport(status)}\n`);
    console.log(
      `final checkpoint: ${status.checkpoint} — Temporal UI: ${workflowUiUrl(opts.settings, runId)}`,
    );
    console.log(
      `report: ${await writeRunReport(client, opts.settings, runId, join(dir, 'reports', `${runId}.html`))}`,
    );
  } finally {
    await close();
    workers.shutdown();
    await workers.done;
    await sim.close();
  }
}
