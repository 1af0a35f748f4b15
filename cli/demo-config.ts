import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateBank } from '../infra/simulator/bank.js';
import type { RunConfigInput } from '../schemas/config.js';

/**
 * The demo's data and config: a problem bank the simulator generates across the 7 categories
 * (exact answers), a disjoint benchmark drawn from another seed, and a config whose every role
 * points at the simulator. Tests use it with smaller sizes.
 */
export interface DemoSetup {
  dir: string;
  runId: string;
  simulatorUrl: string;
  trainPerCategory?: number;
  benchmarkPerCategory?: number;
  /** Overrides merged into the generated config's `stages`. */
  stages?: RunConfigInput['stages'];
  rounds?: number;
  store?: RunConfigInput['store'];
  pollSeconds?: number;
  /** Where training jobs run: local processes, or the cluster's default Slurm partition. */
  backend?: 'local' | 'slurm';
}

export async function writeDemoData(setup: DemoSetup): Promise<{ train: string; benchmark: string }> {
  const dataDir = join(resolve(setup.dir), 'data');
  await mkdir(dataDir, { recursive: true });
  const train = generateBank({ seed: 1, perCategory: setup.trainPerCategory ?? 60, idPrefix: 'bank-train' });
  const bench = generateBank({
    seed: 2,
    perCategory: setup.benchmarkPerCategory ?? 20,
    idPrefix: 'bank-bench',
  });
  const trainPath = join(dataDir, 'train.jsonl');
  const benchPath = join(dataDir, 'benchmark.jsonl');
  await writeFile(trainPath, train.map((p) => JSON.stringify(p)).join('\n') + '\n');
  await writeFile(benchPath, bench.map((p) => JSON.stringify(p)).join('\n') + '\n');
  return { train: pathToFileURL(trainPath).href, benchmark: pathToFileURL(benchPath).href };
}

export async function demoConfig(setup: DemoSetup): Promise<RunConfigInput> {
  const data = await writeDemoData(setup);
  const endpoint = (model: string) => ({
    baseURLs: [setup.simulatorUrl],
    model,
    simulated: true,
    maxConcurrency: 32,
  });
  return {
    runId: setup.runId,
    model: 'sim-base',
    seed: 7,
    rounds: setup.rounds ?? 2,
    data: { trainSet: data.train, benchmarks: [{ name: 'bank-bench', uri: data.benchmark }] },
    endpoints: {
      student: endpoint('sim-base'),
      expertA: endpoint('sim-expert-a'),
      expertB: endpoint('sim-expert-b'),
      expertC: endpoint('sim-expert-c'),
      judge: endpoint('sim-judge'),
      labeller: endpoint('sim-labeller'),
      embedder: endpoint('sim-embed'),
    },
    roles: {
      student: 'student',
      classifier: 'expertA',
      conceptExtractor: 'expertA',
      generator: 'expertA',
      judges: ['judge', 'expertB'],
      labeller: 'labeller',
      embedder: 'embedder',
      committee: ['expertA', 'expertB', 'expertC'],
    },
    store: setup.store ?? { kind: 'file', root: join(resolve(setup.dir), 'store') },
    jobs: {
      backend: { kind: setup.backend ?? 'local', workdir: join(resolve(setup.dir), 'jobs') },
      pollSeconds: setup.pollSeconds ?? 1,
    },
    stages: {
      sampler: { budget: 240 },
      dpo: { rounds: 2, rollouts: 8 },
      evaluation: { samples: 4 },
      augmentedRl: { enabled: true },
      // k-center keeps half of the defects, so the demo shows the diversity step at work.
      exam: { candidatesPerMember: 16, keep: 0.5 },
      // SwS's 30 epochs would only lengthen the simulated jobs; 3 still give the weakness rule a slope.
      rl: { epochs: 3 },
      ...setup.stages,
    },
  };
}
