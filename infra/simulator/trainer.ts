/**
 * The simulated training job (stands in for a GPU job; every figure it writes is SIMULATED).
 *
 *   DRILL_SIM_HOME=.drill/sim node --import tsx infra/simulator/trainer.ts <spec.json>
 *
 * Reads a JobSpec, moves the base checkpoint's skills with the categories of its training data,
 * registers the new checkpoint with the simulator, and writes checkpoint.json, metrics.json and,
 * for RL, accuracy_log.json into the spec's outputDir. Takes DRILL_SIM_TRAIN_SECONDS (default 3)
 * of wall time, printing progress, so tests can kill it mid-job.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Category } from '../../schemas/config.js';
import { JobSpec, type JobMetrics } from '../../schemas/job.js';
import { Checkpoint, PreferencePair, Problem, SftExample } from '../../schemas/records.js';
import { problemOfSolvePrompt } from '../../core/prompts/solve.js';
import { createModelStore, writeModelFile } from './model-store.js';
import { guessCategory, recognise } from './recognise.js';
import { accuracyLog, trainedSkills, type RlProblem } from './training.js';

class BadSpec extends Error {}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BadSpec(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadSpec(`${what} ${path} is not JSON: ${(error as Error).message}`);
  }
}

function readLines<T>(path: string, schema: z.ZodType<T>): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BadSpec(`cannot read input "train" ${path}: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .map((line, i) => [line, i + 1] as const)
    .filter(([line]) => line.trim().length > 0)
    .map(([line, n]) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new BadSpec(`${path} line ${n}: not JSON`);
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw new BadSpec(`${path} line ${n}: ${z.prettifyError(parsed.error)}`);
      return parsed.data;
    });
}

function categoryOf(text: string, given: Category | undefined): Category {
  const problem = problemOfSolvePrompt(text) ?? text;
  return given ?? recognise(problem)?.category ?? guessCategory(problem);
}

/** The training rows reduced to what the simulation uses: a category per row (and RL's problems). */
function readTrainingRows(spec: JobSpec): { categories: Category[]; rl: RlProblem[] } {
  const path = spec.inputs.train;
  if (path === undefined)
    throw new BadSpec(
      `spec.inputs.train is missing (have: ${Object.keys(spec.inputs).join(', ') || 'none'})`,
    );
  if (spec.kind === 'rl') {
    const rl = readLines(path, Problem).map((p) => {
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
    spec.kind === 'sft'
      ? readLines(path, SftExample).map((e) =>
          categoryOf(e.messages.find((m) => m.role === 'user')?.content ?? '', e.category),
        )
      : readLines(path, PreferencePair).map((e) =>
          categoryOf(e.prompt.map((m) => m.content).join('\n'), e.category),
        );
  return { categories: rows, rl: [] };
}

const intParam = (spec: JobSpec, name: string, fallback: number): number => {
  const value = spec.hyperparams[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new BadSpec(`spec.hyperparams.${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
};

function writeJson(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export async function runSimulatedTraining(
  specPath: string,
  home: string,
  seconds: number,
): Promise<Checkpoint> {
  const parsed = JobSpec.safeParse(readJson(specPath, 'spec'));
  if (!parsed.success) throw new BadSpec(`spec ${specPath} is invalid:\n${z.prettifyError(parsed.error)}`);
  const spec = parsed.data;
  const base = createModelStore(home).lookup(spec.base.name);
  if (base === undefined || base.kind !== 'student') {
    throw new BadSpec(
      `spec.base.name "${spec.base.name}" is not a simulated student (sim-base or a trained checkpoint in ${home}/models)`,
    );
  }
  const { categories, rl } = readTrainingRows(spec);
  const epochs = intParam(spec, 'epochs', spec.kind === 'dpo' ? 1 : 3);
  const rollouts = intParam(spec, 'rollouts', 8);
  const counts: Partial<Record<Category, number>> = {};
  for (const c of categories) counts[c] = (counts[c] ?? 0) + 1;

  const trainHash = createHash('sha256')
    .update(readFileSync(spec.inputs.train as string))
    .digest('hex');
  const name = `sim-${spec.kind}-${createHash('sha256').update(JSON.stringify(spec)).update(trainHash).digest('hex').slice(0, 10)}`;
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

  const skills = trainedSkills(base.skills, spec.kind, counts, epochs);
  const outputDir = resolve(spec.outputDir);
  mkdirSync(outputDir, { recursive: true });
  const modelPath = writeModelFile(home, {
    name,
    parent: spec.base.name,
    stage: spec.kind,
    skills,
    simulated: true,
  });
  if (spec.kind === 'rl') {
    writeJson(
      join(outputDir, 'accuracy_log.json'),
      accuracyLog(rl, base.skills, skills, epochs, rollouts, spec.seed),
    );
  }
  const batch = intParam(spec, 'batchSize', 32);
  const steps = Math.ceil((categories.length * epochs) / batch);
  const metrics: JobMetrics = {
    gpuHours: Number(
      ((categories.length * epochs * spec.gpus * (spec.kind === 'rl' ? rollouts : 1)) / 20_000).toFixed(4),
    ),
    steps,
    examples: categories.length,
    finalLoss: Number((0.15 + 0.6 * Math.exp(-steps / 40)).toFixed(4)),
    simulated: true,
  };
  writeJson(join(outputDir, 'metrics.json'), metrics);
  const checkpoint: Checkpoint = {
    name,
    weightsUri: pathToFileURL(resolve(modelPath)).href,
    parent: spec.base.name,
    stage: spec.kind,
    simulated: true,
  };
  writeJson(join(outputDir, 'checkpoint.json'), checkpoint);
  console.log(`[sim-trainer] wrote checkpoint ${name} (SIMULATED) to ${outputDir}`);
  return checkpoint;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const specPath = process.argv[2];
  const seconds = Number(process.env.DRILL_SIM_TRAIN_SECONDS ?? 3);
  if (specPath === undefined) {
    console.error('usage: node --import tsx infra/simulator/trainer.ts <spec.json>');
    process.exit(2);
  }
  runSimulatedTraining(
    specPath,
    process.env.DRILL_SIM_HOME ?? '.drill/sim',
    Number.isFinite(seconds) ? seconds : 3,
  ).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(
        `[sim-trainer] ${error instanceof BadSpec ? 'bad spec: ' : ''}${(error as Error).message}`,
      );
      process.exit(error instanceof BadSpec ? 2 : 1);
    },
  );
}
