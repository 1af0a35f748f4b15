import { Command, Option } from 'commander';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { planRun } from '../core/plan.js';
import { detectWeaknesses } from '../core/weakness.js';
import { AccuracyLog } from '../schemas/records.js';
import { RunConfig } from '../schemas/config.js';
import { loadSettings } from '../workers/settings.js';
import { pauseSignal, resumeSignal, trainingLoopWorkflowId } from '../workflows/contract.js';
import { connectClient, workflowUiUrl } from './client.js';
import { addCodecCommands } from './codec-commands.js';
import { addEloCommand } from './elo.js';
import { loadRunConfig } from './config-file.js';
import { CliError, ExitCode, explain } from './errors.js';
import { listRuns } from './list.js';
import { datasetSizes, planTables } from './plan.js';
import { fullReport, runsTable } from './report.js';
import { writeRunReport } from './report-file.js';
import { readRun, type RunView } from './run-status.js';
import { startRun, watchRun } from './run.js';
import { runVerify } from './verify.js';
import { progressView } from './watch.js';

export { ExitCode };

const badInput = (message: string) => new CliError(message, ExitCode.BadInput);

async function withClient<T>(
  fn: (c: Awaited<ReturnType<typeof connectClient>>['client']) => Promise<T>,
): Promise<T> {
  const { client, close } = await connectClient(loadSettings());
  try {
    return await fn(client);
  } finally {
    await close();
  }
}

/** The headline of `drill status`: state, round, stage, checkpoint, and where the figures come from. */
function statusHeadline(v: RunView): string {
  const s = v.status;
  const state = v.state === 'RUNNING' ? s.phase : v.state.toLowerCase().replace(/_/g, ' ');
  const lines = [
    `${s.runId}: ${state}, round ${s.round + 1}/${s.rounds}, stage ${s.stage ?? '-'}, checkpoint ${s.checkpoint}`,
  ];
  if (v.failure) lines.push(`failure: ${v.failure}`);
  if (v.note) lines.push(`note: ${v.note}`);
  if (v.memo.report) lines.push(`report: ${String(v.memo.report)}`);
  return lines.join('\n');
}

export function buildProgram(): Command {
  const program = new Command('drill')
    .description(
      'drillmaster: find where an LLM fails at math and train it there (SwS + WarriorMath on Temporal)',
    )
    .exitOverride();

  program
    .command('validate')
    .description('check a run config (YAML or JSON) and print every bad field')
    .argument('<config>')
    .action(async (path: string) => {
      const c = await loadRunConfig(path);
      console.log(
        `ok: run ${c.runId}, ${c.rounds} round(s), store ${c.store.kind}, jobs ${c.jobs.backend.kind}`,
      );
    });

  program
    .command('plan')
    .description(
      'what a run will cost before it starts: LLM requests and tokens per stage and role, training GPU-hours, price',
    )
    .argument('<config>')
    .option('--train-size <n>', 'training-set size, when data.trainSet cannot be read from here')
    .option(
      '--benchmark-size <name=n>',
      'a benchmark size, when its URI cannot be read from here (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--pool-size <n>', 'problem-pool size, when data.pool cannot be read from here')
    .option('--json', 'print the plan as JSON')
    .action(
      async (
        path: string,
        opts: { trainSize?: string; benchmarkSize: string[]; poolSize?: string; json?: boolean },
      ) => {
        const count = (flag: string, v: string | undefined) => {
          if (v === undefined) return undefined;
          const n = Number(v);
          if (!(Number.isInteger(n) && n >= 0)) throw badInput(`${flag}: expected a count, got "${v}"`);
          return n;
        };
        const benchmarks: Record<string, number> = {};
        for (const kv of opts.benchmarkSize) {
          const m = /^([^=]+)=(.*)$/.exec(kv);
          if (!m) throw badInput(`--benchmark-size: expected name=n, got "${kv}"`);
          benchmarks[m[1]!] = count(`--benchmark-size ${m[1]}`, m[2])!;
        }
        const config = await loadRunConfig(path);
        const sizes = await datasetSizes(config, {
          train: count('--train-size', opts.trainSize),
          benchmarks,
          pool: count('--pool-size', opts.poolSize),
        });
        const plan = planRun(config, sizes);
        console.log(opts.json ? JSON.stringify({ sizes, ...plan }, null, 2) : planTables(plan, sizes));
      },
    );

  program
    .command('start')
    .description('validate a run config, then start the run on Temporal')
    .argument('<config>')
    .option('--watch', 'follow the run and print the report when it ends')
    .action(async (path: string, opts: { watch?: boolean }) => {
      const config = await loadRunConfig(path);
      const settings = loadSettings();
      await withClient(async (client) => {
        await startRun(client, config, settings.queuePrefix);
        console.log(`started ${config.runId}: ${workflowUiUrl(settings, config.runId)}`);
        if (opts.watch) console.log(fullReport(await watchRun(client, config.runId, () => {})));
      });
    });

  program
    .command('status')
    .description("a run's state, stage, counts, accuracies, GPU-hours and tokens (running or finished)")
    .argument('<runId>')
    .option('--json', 'print the status JSON (with state, source, note, failure)')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const view = await withClient((c) => readRun(c, runId));
      console.log(
        opts.json ? JSON.stringify(view, null, 2) : `${statusHeadline(view)}\n\n${fullReport(view.status)}`,
      );
    });

  program
    .command('list')
    .description('training runs with their state, stage, round, model and start time, newest first')
    .option('--model <name>', 'only runs of this model (search attribute DrillModel)')
    .option('--stage <name>', 'only runs at this stage (DrillStage)')
    .option('--round <n>', 'only runs in this round, counting from 1 (DrillRound + 1)')
    .option('--state <state>', 'only runs in this state: running, completed, failed, canceled, terminated')
    .option('--limit <n>', 'at most this many runs', '50')
    .action(
      async (opts: { model?: string; stage?: string; round?: string; state?: string; limit: string }) => {
        const round = opts.round === undefined ? undefined : Number(opts.round) - 1;
        if (round !== undefined && !(Number.isInteger(round) && round >= 0))
          throw badInput(`--round: expected a round number from 1, got "${opts.round}"`);
        const limit = Number(opts.limit);
        if (!(Number.isInteger(limit) && limit > 0))
          throw badInput(`--limit: expected a positive integer, got "${opts.limit}"`);
        const rows = await withClient((c) => listRuns(c, { ...opts, round }, limit));
        console.log(rows.length ? runsTable(rows) : 'no training runs match');
      },
    );

  program
    .command('watch')
    .description('follow a run: each stage as it finishes, and live progress of the running one')
    .argument('<runId>')
    .option('--interval <seconds>', 'seconds between polls', '2')
    .action(async (runId: string, opts: { interval: string }) => {
      await withClient(async (client) => {
        const view = progressView(client);
        const status = await watchRun(client, runId, view.onStage, {
          intervalMs: 1000 * Number(opts.interval),
          onTick: view.onTick,
        }).finally(view.finish);
        console.log(`${status.runId}: completed, checkpoint ${status.checkpoint}`);
      });
    });

  program
    .command('report')
    .description(
      "write a run's report: one self-contained HTML file with charts (any state, no worker needed)",
    )
    .argument('<runId>')
    .option('--out <file>', 'where to write it (default .drill/reports/<runId>.html)')
    .action(async (runId: string, opts: { out?: string }) => {
      const settings = loadSettings();
      const { client, close } = await connectClient(settings);
      try {
        console.log(await writeRunReport(client, settings, runId, opts.out));
      } finally {
        await close();
      }
    });

  program
    .command('cancel')
    .description('cancel a run: the running stage and its activities and training jobs are cancelled')
    .argument('<runId>')
    .action(async (runId: string) => {
      await withClient(async (c) => {
        const handle = c.workflow.getHandle(trainingLoopWorkflowId(runId));
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING')
          throw new CliError(`run ${runId} is not running (${status.name.toLowerCase()})`, ExitCode.BadInput);
        await handle.cancel();
      });
      console.log(`cancellation requested for ${runId} (drill status ${runId} shows when it has stopped)`);
    });

  for (const [name, signal] of [
    ['pause', pauseSignal],
    ['resume', resumeSignal],
  ] as const) {
    program
      .command(name)
      .description(`${name} a run between stages`)
      .argument('<runId>')
      .action(async (runId: string) => {
        await withClient((c) => c.workflow.getHandle(trainingLoopWorkflowId(runId)).signal(signal));
        console.log(`${name} sent to ${runId}`);
      });
  }

  program
    .command('schema')
    .description('the RunConfig JSON Schema, for editors')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { out?: string }) => {
      const text = JSON.stringify(
        z.toJSONSchema(RunConfig, { io: 'input', unrepresentable: 'any' }),
        null,
        2,
      );
      if (opts.out) await writeFile(opts.out, text + '\n');
      else console.log(text);
    });

  program
    .command('weakness')
    .description('SwS weakness rule over an accuracy log: one JSON line per problem')
    .requiredOption('--records <file>', 'acc_records.json: {"train": {"<index>": [acc, ...]}}')
    .option(
      '--strict',
      'strict comparisons (< 0.5, < 0) as in the paper; default non-strict as in the released data',
    )
    .option('--best-below <x>', 'best-accuracy threshold', '0.5')
    .option('--slope-below <x>', 'slope threshold', '0')
    .action(async (opts: { records: string; strict?: boolean; bestBelow: string; slopeBelow: string }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(opts.records, 'utf8'));
      } catch (err) {
        throw badInput(`${opts.records}: ${(err as Error).message}`);
      }
      const log = AccuracyLog.safeParse(raw);
      if (!log.success) throw badInput(`${opts.records}:\n${z.prettifyError(log.error)}`);
      const rows = detectWeaknesses(log.data, {
        bestAccuracyBelow: Number(opts.bestBelow),
        slopeBelow: Number(opts.slopeBelow),
        strict: !!opts.strict,
      });
      process.stdout.write(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
    });

  program
    .command('verify')
    .description('grade {"gold","pred"} JSONL lines: one {"equal": …} line out per line in, in order')
    .requiredOption('--input <file>', 'JSONL input ("-" for stdin)')
    .action(async (opts: { input: string }) => {
      await runVerify(opts.input === '-' ? process.stdin : createReadStream(opts.input), process.stdout);
    });

  addEloCommand(program, badInput);
  addCodecCommands(program, badInput);

  program
    .command('worker')
    .description('serve task queues (orchestration, llm, gpu-jobs)')
    .option('--queues <list>', 'comma-separated task queues', 'orchestration,llm,gpu-jobs')
    .action(async (opts: { queues: string }) => {
      const { workerMain } = await import('../workers/main.js');
      await workerMain(['node', 'drill-worker', '--queues', opts.queues]);
    });

  program
    .command('simulator')
    .description('serve the simulated OpenAI-compatible models (every figure it makes is simulated)')
    .option('--port <n>', 'port on 127.0.0.1', '8000')
    .option('--home <dir>', 'where simulated checkpoints live', '.drill/sim')
    .action(async (opts: { port: string; home: string }) => {
      const { startSimulator } = await import('../infra/simulator/server.js');
      const sim = await startSimulator({ port: Number(opts.port), home: opts.home });
      console.log(`simulator listening on ${sim.url} (SIMULATED models)`);
      await new Promise(() => {});
    });

  program
    .command('demo')
    .description('the whole loop on the simulator, with real Temporal, store, workers and job processes')
    .option('--dir <dir>', 'demo data, store, jobs and simulated checkpoints', '.drill/demo')
    .option('--s3', 'keep artifacts in the S3 server of the dev stack instead of a folder')
    .option('--rounds <n>', 'outer rounds', '2')
    .addOption(
      new Option('--backend <kind>', 'where the training jobs run (slurm: the local Slurm of infra/slurm.sh)')
        .choices(['local', 'slurm'])
        .default('local'),
    )
    .option('--real', 'a real tiny student (TRL on the CPU, served per checkpoint); teachers stay simulated')
    .action(
      async (opts: {
        dir: string;
        s3?: boolean;
        rounds: string;
        backend: 'local' | 'slurm';
        real?: boolean;
      }) => {
        const { runDemo } = await import('./demo.js');
        await runDemo({
          settings: loadSettings(),
          dir: opts.dir,
          s3: !!opts.s3,
          rounds: Number(opts.rounds),
          backend: opts.backend,
          real: !!opts.real,
        });
      },
    );

  return program;
}

/** The server address for error lines; bad settings are themselves the error being reported. */
function temporalAddress(): string {
  try {
    return loadSettings().temporalAddress;
  } catch {
    return process.env.DRILL_TEMPORAL_ADDRESS ?? '?';
  }
}

export async function main(argv: string[] = process.argv): Promise<ExitCode> {
  try {
    await buildProgram().parseAsync(argv);
    return ExitCode.Ok;
  } catch (err) {
    const { line, code } = explain(err, temporalAddress());
    if (line) console.error(`drill: ${line}`);
    if (process.env.DRILL_DEBUG === '1') console.error(err);
    return code;
  }
}
