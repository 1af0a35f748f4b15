import {
  ApplicationFailure,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { z } from 'zod';
import type { ArtifactRef } from '../schemas/artifact.js';
import { RunConfig } from '../schemas/config.js';
import type { Checkpoint } from '../schemas/records.js';
import { FAILURE_TYPES } from '../contract/failures.js';
import type { StageRecord } from '../contract/records.js';
import { STAGE_KINDS, type StageKind } from '../contract/stages.js';
import {
  pauseSignal,
  resumeSignal,
  searchAttributes,
  stageWorkflowId,
  trainingLoopWorkflowId,
  statusQuery,
  type LoopState,
  type RunPhase,
  type RunStatus,
  type TrainingLoopInput,
} from './contract.js';
import { orchestration, queues } from './proxies.js';
import { addAccount, emptyAccount, type StageContext } from './stage-context.js';
import { servesPerCheckpoint, studentSimulated } from './serving.js';
import { studentServers, type StudentServers } from './student-servers.js';
import { STAGE_WORKFLOWS, type StageInput, type StageOutput } from './stage-table.js';

function parseConfig(input: TrainingLoopInput['config']): RunConfig {
  const parsed = RunConfig.safeParse(input);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid run config:\n${z.prettifyError(parsed.error)}`,
      FAILURE_TYPES.invalidConfig,
    );
  }
  return parsed.data;
}

/**
 * The whole loop for one run. Each outer round runs in its own workflow execution (continue-as-new
 * carries LoopState), and every stage is a child workflow with a deterministic ID, so the parent's
 * history stays short whatever the dataset size and each stage is inspectable on its own.
 */
export async function trainingLoop(input: TrainingLoopInput): Promise<RunStatus> {
  const cleanup: { servers?: StudentServers } = {};
  try {
    return await rounds(input, cleanup);
  } catch (err) {
    // A failed or cancelled run leaves no student server up; continue-as-new carries it on.
    if (!(err instanceof ContinueAsNew)) await cleanup.servers?.stop();
    throw err;
  }
}

async function rounds(input: TrainingLoopInput, cleanup: { servers?: StudentServers }): Promise<RunStatus> {
  const config = parseConfig(input.config);
  const runId = config.runId;
  // Stage workflow IDs derive from runId, so the run must be started under that ID.
  if (workflowInfo().workflowId !== trainingLoopWorkflowId(runId)) {
    throw ApplicationFailure.nonRetryable(
      `this run's workflow ID is "${workflowInfo().workflowId}" but its config says runId "${runId}": start it with --workflow-id ${trainingLoopWorkflowId(runId)}`,
      FAILURE_TYPES.invalidConfig,
    );
  }
  const round = input.state?.round ?? 0;
  // Runs recorded before the loop kept student servers let each stage serve its own (they replay).
  const servers = (cleanup.servers =
    servesPerCheckpoint(config) && patched('student-server-per-checkpoint')
      ? studentServers(config, runId, input.state?.served)
      : undefined);
  const stages: StageRecord[] = input.state?.stages ?? [];
  const funnel = input.state?.funnel ?? {};
  let phase: RunPhase = 'starting';
  // A pause signalled during a round's last stage outlives continue-as-new (LoopState.paused).
  let paused = input.state?.paused ?? false;
  let held = false;
  let current: string | null = null;
  let checkpoint: Checkpoint = input.state?.checkpoint ?? {
    name: config.model,
    weightsUri: config.model,
    parent: null,
    stage: 'base',
    simulated: studentSimulated(config),
  };

  const status = (): RunStatus => {
    const llm = emptyAccount();
    let gpuHours = 0;
    for (const r of stages) {
      if (r.llm) addAccount(llm, r.llm);
      gpuHours += r.gpuHours ?? 0;
    }
    return {
      runId,
      phase: paused && phase !== 'completed' ? (held ? 'paused' : 'pausing') : phase,
      round,
      rounds: config.rounds,
      stage: current,
      checkpoint: checkpoint.name,
      stages,
      funnel,
      totals: { gpuHours, llm },
    };
  };
  setHandler(statusQuery, status);
  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  upsertSearchAttributes([
    { key: searchAttributes.model, value: config.model },
    { key: searchAttributes.round, value: round },
  ]);

  /**
   * Runs one stage as a child workflow; pause takes effect here, between stages. `name` is the
   * stage's name in its workflow ID when a round runs the kind more than once (`dpo-2`).
   */
  async function stage<K extends StageKind>(
    kind: K,
    args: (ctx: StageContext) => StageInput<K>,
    name: string = kind,
  ): Promise<StageOutput<K>> {
    if (paused) {
      setCurrentDetails(`paused before ${name}`);
      log.info('paused', { stage: name });
      // A pause may last hours: no student server is kept waiting through it.
      await servers?.stop();
      held = true;
      await condition(() => !paused);
      held = false;
    }
    current = name;
    phase = 'running';
    setCurrentDetails(`round ${round}: ${name}`);
    upsertSearchAttributes([{ key: searchAttributes.stage, value: name }]);
    const workflow: (input: StageInput<K>) => Promise<StageOutput<K>> = STAGE_WORKFLOWS[kind];
    const server = await servers?.lend(round, name, checkpoint);
    const ctx: StageContext = { runId, round, stage: name, config, checkpoint: checkpoint.name };
    const result = await executeChild(workflow, {
      workflowId: stageWorkflowId(runId, round, name),
      taskQueue: queues().orchestration,
      args: [args(server ? { ...ctx, server } : ctx)],
      staticSummary: `${STAGE_KINDS[kind].summary} (round ${round})`,
    });
    servers?.returned(server);
    stages.push(result.record);
    return result;
  }

  let data: Pick<LoopState, 'trainSet' | 'benchmarks'>;
  let accuracyLog = input.state?.accuracyLog;
  const evaluate = (after: string, model: Checkpoint) =>
    stage(
      'evaluation',
      (ctx) => ({ ctx, checkpoint: model, benchmarks: data.benchmarks }),
      `evaluation.${after}`,
    );

  if (input.state) {
    data = { trainSet: input.state.trainSet, benchmarks: input.state.benchmarks };
  } else {
    const base = checkpoint;
    data = await stage('ingest', (ctx) => ctx);
    await evaluate('base', base);
    const rl = await stage('rl', (ctx) => ({ ctx, trainSet: data.trainSet, base }));
    checkpoint = rl.checkpoint;
    accuracyLog = rl.accuracyLog;
    await evaluate('rl', checkpoint);
  }

  if (!accuracyLog) {
    const model = checkpoint;
    const history = input.state?.history;
    accuracyLog = (
      await stage('assess', (ctx) => ({
        ctx,
        trainSet: data.trainSet,
        checkpoint: model,
        ...(history ? { history } : {}),
      }))
    ).accuracyLog;
  }
  const log0 = accuracyLog;
  const weak = await stage('weakness', (ctx) => ({
    ctx,
    accuracyLog: log0,
    trainSet: data.trainSet,
  }));
  const policy = checkpoint;
  const weakSet = {
    failed: weak.failed,
    failuresByCategory: weak.failuresByCategory,
    sizeByCategory: weak.sizeByCategory,
    checkpoint: policy,
    against: [data.trainSet, ...data.benchmarks.map((b) => b.problems)],
  };
  const sets: ArtifactRef[] = [];
  if (config.stages.synthesis.enabled) {
    const synth = await stage('synthesis', (ctx) => ({ ctx, ...weakSet }));
    funnel[`round ${round}`] = synth.funnel;
    sets.push(synth.synthetic);
  }
  // The committee answers SwS's problems and the exam's alike.
  if (config.stages.exam.enabled) {
    const exam = await stage('exam', (ctx) => ({ ctx, ...weakSet }));
    funnel[`round ${round} exam`] = exam.funnel;
    sets.push(exam.synthetic);
  }
  const problems =
    sets.length === 1
      ? sets[0]!
      : (await orchestration().concatProblems({ store: config.store, sets })).problems;

  if (problems.count > 0 && config.stages.gold.enabled) {
    const gold = await stage('gold', (ctx) => ({ ctx, problems }));
    if (gold.gold.count > 0) {
      const sftBase = checkpoint;
      checkpoint = (await stage('sft', (ctx) => ({ ctx, sft: gold.sft, base: sftBase }))).checkpoint;
      await evaluate('sft', checkpoint);
      for (let i = 1; i <= config.stages.dpo.rounds; i++) {
        const dpoBase = checkpoint;
        const dpo = await stage('dpo', (ctx) => ({ ctx, gold: gold.gold, base: dpoBase }), `dpo-${i}`);
        if (dpo.checkpoint.name === dpoBase.name) break; // nothing left to fix
        checkpoint = dpo.checkpoint;
        await evaluate(`dpo-${i}`, checkpoint);
      }
    }
  } else if (problems.count === 0) {
    log.warn('synthesis produced no problems this round', { round });
  }

  accuracyLog = undefined;
  if (config.stages.augmentedRl.enabled && problems.count > 0) {
    const merged = await orchestration().mergeTrainSet({
      store: config.store,
      original: data.trainSet,
      synthetic: [problems],
    });
    // The next round's weaknesses are read off this run's log, which covers the merged set.
    data = { ...data, trainSet: merged.trainSet };
    const base = checkpoint;
    const rl = await stage('augmented-rl', (ctx) => ({
      ctx,
      trainSet: merged.trainSet,
      parquet: merged.parquet,
      base,
    }));
    checkpoint = rl.checkpoint;
    accuracyLog = rl.accuracyLog;
    await evaluate('augmented-rl', checkpoint);
  }

  current = null;
  if (round + 1 < config.rounds) {
    await condition(allHandlersFinished);
    log.info('round finished; continuing as new', { round, historyLength: workflowInfo().historyLength });
    return continueAsNew<typeof trainingLoop>({
      config: input.config,
      state: {
        round: round + 1,
        checkpoint,
        ...data,
        accuracyLog,
        history: log0,
        stages,
        funnel,
        served: servers?.held(),
        paused: paused || undefined,
      },
    });
  }
  await servers?.stop();
  phase = 'completed';
  // Runs recorded before the report artifact existed complete without it (they still replay).
  if (patched('report-artifact')) {
    setCurrentDetails('writing the run report');
    const written = await orchestration().writeRunReport({ store: config.store, status: status(), config });
    // A run started without the CLI has no memo yet: the digest is set here too.
    upsertMemo({ configDigest: written.configDigest, report: written.report.uri });
  }
  setCurrentDetails(`completed: ${checkpoint.name}`);
  return status();
}
