import { Command, CommanderError } from 'commander';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { detectWeaknesses } from '../core/weakness.js';
import { AccuracyLog } from '../schemas/records.js';
import { RunConfig } from '../schemas/config.js';
import { loadSettings } from '../workers/settings.js';
import { pauseSignal, resumeSignal, statusQuery, trainingLoopWorkflowId } from '../workflows/contract.js';
import { connectClient, workflowUiUrl } from './client.js';
import { addEloCommand } from './elo.js';
import { ConfigError, loadRunConfig } from './config-file.js';
import { fullReport } from './report.js';
import { startRun, watchRun } from './run.js';
import { runVerify } from './verify.js';

export enum ExitCode {
  Ok = 0,
  Failure = 1,
  BadInput = 2,
}

class BadInput extends Error {}

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
    .description("a run's stage, counts, accuracies, GPU-hours and tokens")
    .argument('<runId>')
    .option('--json', 'print the raw status JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const status = await withClient((c) =>
        c.workflow.getHandle(trainingLoopWorkflowId(runId)).query(statusQuery),
      );
      console.log(
        opts.json
          ? JSON.stringify(status, null, 2)
          : `${status.runId}: ${status.phase}, round ${status.round + 1}/${status.rounds}, stage ${status.stage ?? '-'}, checkpoint ${status.checkpoint}\n\n${fullReport(status)}`,
      );
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
        throw new BadInput(`${opts.records}: ${(err as Error).message}`);
      }
      const log = AccuracyLog.safeParse(raw);
      if (!log.success) throw new BadInput(`${opts.records}:\n${z.prettifyError(log.error)}`);
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

  addEloCommand(program, (message) => new BadInput(message));

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
    .action(async (opts: { dir: string; s3?: boolean; rounds: string }) => {
      const { runDemo } = await import('./demo.js');
      await runDemo({ settings: loadSettings(), dir: opts.dir, s3: !!opts.s3, rounds: Number(opts.rounds) });
    });

  return program;
}

export async function main(argv: string[] = process.argv): Promise<ExitCode> {
  try {
    await buildProgram().parseAsync(argv);
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
    if (err instanceof ConfigError || err instanceof BadInput) {
      console.error(`drill: ${err.message}`);
      return ExitCode.BadInput;
    }
    console.error(`drill: ${(err as Error).stack ?? err}`);
    return ExitCode.Failure;
  }
}
