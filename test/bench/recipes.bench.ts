/**
 * Trainer recipes on the real tiny student (trainers/make_tiny_model.py), with the settings the
 * real round runs (cli/real-student.ts over the demo config): the wall time of building the model,
 * of each recipe (GRPO, SFT, DPO) and of a `transformers serve` job until it answers, each
 * checkpoint's size, and every recipe's `--dry-run` (bare python3, as CI runs it; the verl launcher
 * also in the verl-check venv, composing verl's own config). Jobs run one after another as local
 * processes on a file store; the load average is printed with the figures, since they depend on it.
 *
 * Run: npm run bench:recipes   (builds the trainers venv first if it is missing: ~6 GB)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { demoConfig } from '../../cli/demo-config.js';
import { withRealTinyStudent } from '../../cli/real-student.js';
import { recipeSettings } from '../../activities/jobs/recipes.js';
import { RunConfig } from '../../schemas/config.js';
import type { JobKind } from '../../schemas/job.js';

const dir = mkdtempSync(join(tmpdir(), 'drill-recipes-bench-'));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(1));
const figures: Record<string, unknown> = { loadAverageAtStart: load() };

const t0 = performance.now();
const config = RunConfig.parse(
  withRealTinyStudent(
    await demoConfig({
      dir,
      runId: 'bench',
      simulatorUrl: 'http://127.0.0.1:1',
      trainPerCategory: 2,
      benchmarkPerCategory: 1,
    }),
    dir,
  ),
);
figures.tinyModelSeconds = seconds(t0);
const trainer = config.jobs.trainer;
if (trainer.kind !== 'trl') throw new Error('the real tiny student trains with the TRL recipes');
const python = trainer.python!;

const problems = readFileSync(fileURLToPath(config.data.trainSet), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { index: number; problem: string; answer: string });
const user = (p: { problem: string }) => [{ role: 'user', content: p.problem }];
const reply = (answer: string) => [{ role: 'assistant', content: `The answer is \\boxed{${answer}}.` }];

function input(name: string, rows: unknown[], schema: string) {
  const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, text);
  return {
    uri: pathToFileURL(path).href,
    sha256: createHash('sha256').update(text).digest('hex'),
    count: rows.length,
    schema,
  };
}

const inputs = {
  rl: input('problems', problems, 'Problem'),
  sft: input(
    'sft',
    problems.map((p) => ({ messages: [...user(p), ...reply(p.answer)] })),
    'SftExample',
  ),
  dpo: input(
    'pairs',
    problems.map((p) => ({ prompt: user(p), chosen: reply(p.answer), rejected: reply(`${p.answer}1`) })),
    'PreferencePair',
  ),
};

/** The stage settings the loop passes for each kind (workflows/stages/training.ts). */
const { initialGroupFilter, groupFilter: _, ...rl } = config.stages.rl;
const stageSettings: Record<Exclude<JobKind, 'serve'>, Record<string, unknown>> = {
  rl: { ...rl, groupFilter: initialGroupFilter },
  sft: { ...config.stages.sft },
  dpo: { beta: config.stages.dpo.beta, nllWeight: config.stages.dpo.nllWeight },
};
const recipeFile: Record<JobKind, string> = { rl: 'grpo', sft: 'sft', dpo: 'dpo', serve: 'serve' };

function writeSpec(
  kind: JobKind,
  base: { name: string; weightsUri: string },
  jobInputs: object,
  opts: { name?: string; recipe?: object } = {},
) {
  const name = opts.name ?? `bench-${kind}`;
  const spec = {
    name,
    kind,
    base: { ...base, parent: null, stage: 'base', simulated: false },
    inputs: jobInputs,
    outputUri: pathToFileURL(join(dir, 'store', 'jobs', name)).href + '/',
    store: { kind: 'file', root: join(dir, 'store') },
    recipe: opts.recipe ?? (kind === 'serve' ? {} : recipeSettings(trainer, kind, stageSettings[kind])),
    resources: { nodes: 1, gpusPerNode: 0 },
    seed: 0,
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return { path, outputUri: spec.outputUri };
}

const readJson = (uri: string) =>
  JSON.parse(readFileSync(fileURLToPath(uri), 'utf8')) as Record<string, unknown>;

let base = { name: 'tiny-student', weightsUri: config.model };
const checkpoints: Record<string, { name: string; weightsUri: string }> = {};
for (const kind of ['rl', 'sft', 'dpo'] as const) {
  const spec = writeSpec(kind, base, { train: inputs[kind] });
  const t = performance.now();
  const r = spawnSync(python, [`trainers/${recipeFile[kind]}.py`, spec.path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${kind} failed:\n${r.stderr.slice(-2000)}`);
  const metrics = readJson(`${spec.outputUri}metrics.json`);
  const manifest = readJson(`${spec.outputUri}weights/manifest.json`) as {
    files: Record<string, { bytes: number }>;
  };
  figures[kind] = {
    wallSeconds: seconds(t),
    trainSeconds: metrics.wallSeconds,
    steps: metrics.steps,
    examples: metrics.examples,
    checkpointBytes: metrics.weightsBytes,
    safetensorsBytes: manifest.files['model.safetensors']!.bytes,
    files: Object.keys(manifest.files).length,
  };
  checkpoints[kind] = readJson(`${spec.outputUri}checkpoint.json`) as { name: string; weightsUri: string };
  base = checkpoints[kind];
}

// Serving the SFT checkpoint until it answers a chat completion.
{
  const spec = writeSpec('serve', checkpoints.sft!, {});
  const t = performance.now();
  const job = spawn(python, ['trainers/serve.py', spec.path], { detached: true, stdio: 'ignore' });
  const endpointPath = fileURLToPath(`${spec.outputUri}endpoint.json`);
  while (!existsSync(endpointPath)) {
    if (job.exitCode !== null) throw new Error(`serve exited with ${job.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const readySeconds = seconds(t);
  const endpoint = readJson(pathToFileURL(endpointPath).href) as { baseURL: string; model: string };
  const answered = performance.now();
  const res = await fetch(`${endpoint.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: endpoint.model, messages: user(problems[0]!), max_tokens: 16 }),
  });
  if (!res.ok) throw new Error(`the served checkpoint answered ${res.status}`);
  figures.serve = { readySeconds, firstAnswerSeconds: seconds(answered) };
  process.kill(-job.pid!, 'SIGTERM');
  await new Promise((r) => job.once('exit', r));
}

// --dry-run of every recipe: bare python3 (no torch), as CI runs them.
const dryRuns: Record<string, number> = {};
// The verl launcher with SwS's settings (its defaults); `parquet` is only named, not read.
const verlSpec = writeSpec(
  'rl',
  base,
  { parquet: { ...inputs.rl, schema: 'ParquetTable' } },
  { name: 'bench-verl', recipe: {} },
);
const dryRun = (label: string, py: string, file: string, spec: string) => {
  const t = performance.now();
  const r = spawnSync(py, [`trainers/${file}.py`, '--dry-run', spec], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${label} --dry-run failed:\n${r.stderr}`);
  dryRuns[label] = seconds(t);
};
for (const kind of ['rl', 'sft', 'dpo', 'serve'] as const)
  dryRun(recipeFile[kind], 'python3', recipeFile[kind], join(dir, `bench-${kind}.json`));
dryRun('verl_grpo', 'python3', 'verl_grpo', verlSpec.path);
const verlCheck = execFileSync('bash', ['infra/python-env.sh', 'verl-check'], { encoding: 'utf8' }).trim();
dryRun('verl_grpo (verl schema)', verlCheck, 'verl_grpo', verlSpec.path);
figures.dryRunSeconds = dryRuns;
figures.loadAverageAtEnd = load();

console.log(JSON.stringify(figures, null, 2));
rmSync(dir, { recursive: true, force: true });
