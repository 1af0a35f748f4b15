/**
 * The simulated training job (stands in for a GPU job; every figure it writes is SIMULATED).
 *
 *   DRILL_SIM_HOME=.drill/sim node --import tsx infra/simulator/trainer.ts <spec.json>
 *
 * Reads a JobSpec, reads its `train` input from the store the spec names (sha256-verified), moves
 * the base checkpoint's skills with the categories of its training data, registers the new
 * checkpoint with the simulator, and writes checkpoint.json, metrics.json and, for RL,
 * accuracy_log.json under the spec's outputUri. Takes DRILL_SIM_TRAIN_SECONDS (default 3) of wall
 * time, printing progress, so tests can kill it mid-job. A bad spec or input ends it with a
 * `DRILL_ERROR kind=invalid-spec|invalid-input` line on stderr and exit code 2.
 *
 * A `serve` spec brings a simulated checkpoint "up": the simulator already answers for every
 * checkpoint registered with it, so the job writes endpoint.json pointing there (`recipe.baseURL`,
 * the simulator's /v1 URL) and stays up until SIGTERM (the backend's cancel), as
 * trainers/serve.py does for real weights.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Category } from '../../schemas/config.js';
import { JobSpec, type JobMetrics, type ServeEndpoint, type TrainingKind } from '../../schemas/job.js';
import { Checkpoint, PreferencePair, Problem, SftExample } from '../../schemas/records.js';
import { problemOfSolvePrompt } from '../../core/prompts/solve.js';
import { createStore, type ArtifactStore } from '../../activities/storage/index.js';
import { keyIn } from '../../activities/storage/folder-uri.js';
import { createModelStore, writeModelFile } from './model-store.js';
import { guessCategory, recognise } from './recognise.js';
import { accuracyLog, trainedSkills, type RlProblem } from './training.js';

class BadJob extends Error {
  constructor(
    readonly kind: 'invalid-spec' | 'invalid-input',
    message: string,
  ) {
    super(message);
  }
}

function readSpec(path: string): JobSpec {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BadJob('invalid-spec', `cannot read spec ${path}: ${(error as Error).message}`);
  }
  const parsed = JobSpec.safeParse(value);
  if (!parsed.success) {
    throw new BadJob('invalid-spec', `spec ${path} is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The records of an input artifact, each checked against its schema; errors name the record. */
async function readRecords<T>(store: ArtifactStore, ref: ArtifactRef, schema: z.ZodType<T>): Promise<T[]> {
  const rows: T[] = [];
  try {
    for await (const value of store.readJsonl(ref)) {
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        throw new BadJob(
          'invalid-input',
          `${ref.uri} line ${rows.length + 1}: ${z.prettifyError(parsed.error)}`,
        );
      }
      rows.push(parsed.data);
    }
  } catch (error) {
    if (error instanceof BadJob) throw error;
    throw new BadJob('invalid-input', `cannot read input ${ref.uri}: ${(error as Error).message}`);
  }
  return rows;
}

function categoryOf(text: string, given: Category | undefined): Category {
  const problem = problemOfSolvePrompt(text) ?? text;
  return given ?? recognise(problem)?.category ?? guessCategory(problem);
}

/** The training rows reduced to what the simulation uses: a category per row (and RL's problems). */
async function readTrainingRows(
  store: ArtifactStore,
  spec: JobSpec,
  kind: TrainingKind,
): Promise<{ categories: Category[]; rl: RlProblem[] }> {
  const ref = spec.inputs.train;
  if (ref === undefined)
    throw new BadJob(
      'invalid-spec',
      `spec.inputs.train is missing (have: ${Object.keys(spec.inputs).join(', ') || 'none'})`,
    );
  if (kind === 'rl') {
    const rl = (await readRecords(store, ref, Problem)).map((p) => {
      const known = recognise(p.problem);
      return {
        index: p.index,
        problem: p.problem,
        category: p.category ?? known?.category ?? guessCategory(p.problem),
        level: p.level ?? known?.level ?? 3,
      };
    });
    return { categories: rl.map((p) => p.category), rl };
  }
  const rows =
    kind === 'sft'
      ? (await readRecords(store, ref, SftExample)).map((e) =>
          categoryOf(e.messages.find((m) => m.role === 'user')?.content ?? '', e.category),
        )
      : (await readRecords(store, ref, PreferencePair)).map((e) =>
          categoryOf(e.prompt.map((m) => m.content).join('\n'), e.category),
        );
  return { categories: rows, rl: [] };
}

const intParam = (spec: JobSpec, name: string, fallback: number): number => {
  const value = spec.recipe[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new BadJob(
      'invalid-spec',
      `spec.recipe.${name} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
};

/** Writes one output under the spec's outputUri; checkpoint.json goes last, as the job's commit. */
async function writeOutput(store: ArtifactStore, spec: JobSpec, name: string, value: unknown): Promise<void> {
  await store.putText(keyIn(store, spec.outputUri, name), `${JSON.stringify(value, null, 2)}\n`);
}

function simulatedStudent(spec: JobSpec, home: string) {
  const base = createModelStore(home).lookup(spec.base.name);
  if (base === undefined || base.kind !== 'student') {
    throw new BadJob(
      'invalid-spec',
      `spec.base.name "${spec.base.name}" is not a simulated student (sim-base or a trained checkpoint in ${home}/models)`,
    );
  }
  return base;
}

function outputStore(spec: JobSpec, env: NodeJS.ProcessEnv): ArtifactStore {
  try {
    const store = createStore(spec.store, env);
    keyIn(store, spec.outputUri, 'checkpoint.json');
    return store;
  } catch (error) {
    throw new BadJob('invalid-spec', `spec.store / spec.outputUri: ${(error as Error).message}`);
  }
}

/** A serve spec: writes endpoint.json for its checkpoint; the caller keeps the job up. */
export async function serveSimulated(spec: JobSpec, home: string, env: NodeJS.ProcessEnv): Promise<void> {
  simulatedStudent(spec, home);
  const parsed = z.url().safeParse(spec.recipe.baseURL);
  if (!parsed.success)
    throw new BadJob(
      'invalid-spec',
      `spec.recipe.baseURL must be the simulator's URL (jobs.serve.recipe.baseURL), got ${JSON.stringify(spec.recipe.baseURL)}`,
    );
  const endpoint: ServeEndpoint = { baseURL: parsed.data, model: spec.base.name, simulated: true };
  await writeOutput(outputStore(spec, env), spec, 'endpoint.json', endpoint);
  console.log(`[sim-trainer] SIMULATED server for ${spec.base.name} at ${endpoint.baseURL}`);
}

export async function runSimulatedTraining(
  spec: JobSpec,
  home: string,
  seconds: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Checkpoint> {
  const kind = spec.kind;
  if (kind === 'serve') throw new BadJob('invalid-spec', 'spec.kind "serve" is served, not trained');
  const base = simulatedStudent(spec, home);
  const store = outputStore(spec, env);
  const { categories, rl } = await readTrainingRows(store, spec, kind);
  const epochs = intParam(spec, 'epochs', kind === 'dpo' ? 1 : 3);
  const rollouts = intParam(spec, 'rollouts', 8);
  const counts: Partial<Record<Category, number>> = {};
  for (const c of categories) counts[c] = (counts[c] ?? 0) + 1;

  // Named by what it was trained from, not where its files are: the same job on another store
  // (another run's prefix) makes the same checkpoint, as the chaos test's runs compare.
  const trainedFrom = {
    kind,
    base: spec.base.name,
    inputs: Object.fromEntries(Object.entries(spec.inputs).map(([k, ref]) => [k, ref.sha256])),
    recipe: spec.recipe,
    seed: spec.seed,
  };
  const name = `sim-${kind}-${createHash('sha256').update(JSON.stringify(trainedFrom)).digest('hex').slice(0, 10)}`;
  console.log(
    `[sim-trainer] SIMULATED ${spec.kind} job ${spec.name}: ${categories.length} examples × ${epochs} epochs from ${spec.base.name}`,
  );
  const ticks = 10;
  for (let tick = 1; tick <= ticks; tick++) {
    await new Promise((r) => setTimeout(r, (seconds * 1000) / ticks));
    console.log(
      `[sim-trainer] progress ${tick}/${ticks} (epoch ${Math.ceil((tick * epochs) / ticks)}/${epochs})`,
    );
  }

  const skills = trainedSkills(base.skills, kind, counts, epochs);
  const modelPath = writeModelFile(home, {
    name,
    parent: spec.base.name,
    stage: kind,
    skills,
    simulated: true,
  });
  if (kind === 'rl') {
    await writeOutput(
      store,
      spec,
      'accuracy_log.json',
      accuracyLog(rl, base.skills, skills, epochs, rollouts, spec.seed),
    );
  }
  const batch = intParam(spec, 'batchSize', 32);
  const steps = Math.ceil((categories.length * epochs) / batch);
  const metrics: JobMetrics = {
    gpuHours: Number(
      (
        (categories.length *
          epochs *
          spec.resources.nodes *
          spec.resources.gpusPerNode *
          (kind === 'rl' ? rollouts : 1)) /
        20_000
      ).toFixed(4),
    ),
    steps,
    examples: categories.length,
    finalLoss: Number((0.15 + 0.6 * Math.exp(-steps / 40)).toFixed(4)),
    simulated: true,
  };
  await writeOutput(store, spec, 'metrics.json', metrics);
  const checkpoint: Checkpoint = {
    name,
    weightsUri: pathToFileURL(resolve(modelPath)).href,
    parent: spec.base.name,
    stage: kind,
    simulated: true,
  };
  await writeOutput(store, spec, 'checkpoint.json', checkpoint);
  console.log(`[sim-trainer] wrote checkpoint ${name} (SIMULATED) to ${spec.outputUri}`);
  return checkpoint;
}

/** Runs the job a spec file describes: trains, or serves until SIGTERM. */
async function main(specPath: string, home: string, seconds: number): Promise<void> {
  const spec = readSpec(specPath);
  if (spec.kind === 'serve') {
    // SIGTERM is how a server's job ends (the loop stops it when no stage needs it): not a failure.
    process.once('SIGTERM', () => process.exit(0));
    await serveSimulated(spec, home, process.env);
    setInterval(() => {}, 1 << 30);
    return;
  }
  // A scheduler preempting a job sends SIGTERM first (Slurm, Kubernetes): the job says so, and the
  // worker submits it again; a cancel also sends SIGTERM, but the backend has marked it cancelled.
  process.once('SIGTERM', () => {
    console.error('DRILL_ERROR kind=preempted SIGTERM before the checkpoint was written');
    process.exit(143);
  });
  await runSimulatedTraining(spec, home, seconds);
  process.exit(0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const specPath = process.argv[2];
  const seconds = Number(process.env.DRILL_SIM_TRAIN_SECONDS ?? 3);
  if (specPath === undefined) {
    console.error('usage: node --import tsx infra/simulator/trainer.ts <spec.json>');
    process.exit(2);
  }
  main(specPath, process.env.DRILL_SIM_HOME ?? '.drill/sim', Number.isFinite(seconds) ? seconds : 3).catch(
    (error: unknown) => {
      const kind = error instanceof BadJob ? error.kind : 'internal';
      console.error(`[sim-trainer] ${(error as Error).message}`);
      console.error(`DRILL_ERROR kind=${kind} ${(error as Error).message.split('\n').join(' ')}`);
      process.exit(error instanceof BadJob ? 2 : 1);
    },
  );
}
