/**
 * The synthesis data path without the LLMs (issue 5: 1,000,000 generated problems in bounded
 * memory). N concept lists and canned LLM results stream through the `generate` and `judge`
 * steps' collect, then near-duplicate removal and decontamination against MATH-500 + the MATH
 * train set from ../shared/data (the demo bank when absent), all on a file store in a temp dir.
 * Canned results: 10 % unparseable, 2 % proofs, 20 % rejected by a judge, 5 % near-duplicates of
 * the previous problem, 1 % copies of a benchmark problem. Prints one JSON line.
 * Run: npm run bench:synthesis -- [N]   (default 1000000)
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dedupAndDecontaminate } from '../../activities/stages/dedup-data.js';
import { ingestProblems } from '../../activities/stages/ingest.js';
import { collectLanes, type LlmResultLine } from '../../activities/stages/llm-step.js';
import { generateStep, judgeStep, type JudgeParams } from '../../activities/stages/synthesis-steps.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import { createRng } from '../../core/rng.js';
import { generateBank } from '../../infra/simulator/bank.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import { DIFFICULTY_LEVELS } from '../../schemas/config.js';
import type { ConceptList, Problem, SyntheticProblem } from '../../schemas/records.js';

const N = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(N) || N < 1) throw new Error(`N must be a positive integer, got ${process.argv[2]}`);
const SHARED = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const JUDGE: JudgeParams = {
  temperature: 0.6,
  keepRule: 'one-perfect-one-acceptable',
  maxProblemChars: 2000,
};

const VOCAB = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
function freshProblem(i: number): string {
  const rng = createRng(i);
  return `${Array.from({ length: 30 }, () => rng.pick(VOCAB)).join(' ')} Find $x$.`;
}

async function* lists(): AsyncIterable<ConceptList> {
  for (let i = 0; i < N; i++) {
    yield {
      id: `bench-${i}`,
      category: 'Algebra',
      concepts: ['c1', 'c2', 'c3', 'c4', 'c5'],
      level: DIFFICULTY_LEVELS[i % 6]!,
    };
  }
}

function generated(benchmark: readonly string[]) {
  return async function* (): AsyncIterable<LlmResultLine> {
    let previous = '';
    for (let i = 0; i < N; i++) {
      const custom_id = `${i}:0`;
      if (i % 10 === 5) {
        yield { custom_id, ok: true, contents: ['no block'], parsed: [null], invalid: ['no fenced problem'] };
        continue;
      }
      let text = freshProblem(i);
      if (i % 20 === 7) text = `${previous.slice(0, previous.lastIndexOf(' '))} Find $y$.`;
      else if (i % 100 === 3) text = `${benchmark[i % benchmark.length]} Give the answer.`;
      else if (i % 50 === 11) text = `Prove that ${text}`;
      previous = text;
      yield { custom_id, ok: true, contents: [`\`\`\`\n${text}\n\`\`\``], parsed: [text] };
    }
  };
}

function verdicts(store: ArtifactStore, problems: ArtifactRef, lane: number) {
  return async function* (): AsyncIterable<LlmResultLine> {
    let i = 0;
    for await (const p of store.readJsonl(problems) as AsyncIterable<SyntheticProblem>) {
      const reqs = judgeStep.requests(p, JUDGE);
      for (let j = 0; j < reqs.length; j++) {
        if (reqs[j]!.lane !== lane) continue;
        const verdict = lane === 0 ? 'perfect' : i % 5 === 0 ? 'bad' : 'acceptable';
        yield { custom_id: `${i}:${j}`, ok: true, contents: ['…'], parsed: [{ verdict }] };
      }
      i++;
    }
  };
}

async function against(store: ArtifactStore): Promise<{ refs: ArtifactRef[]; source: string }> {
  const files = [join(SHARED, 'benchmarks/math500.jsonl'), join(SHARED, 'train/math_train.jsonl')];
  if (files.every((f) => existsSync(f))) {
    const refs = [];
    for (const f of files)
      refs.push((await ingestProblems(store, pathToFileURL(f).href, 'against')).problems);
    return { refs, source: 'MATH-500 + MATH train' };
  }
  const bank = generateBank({ seed: 2, perCategory: 100, idPrefix: 'bench' });
  return { refs: [await store.writeJsonl('in/bank.jsonl', bank, 'Problem')], source: 'demo bank' };
}

const dir = await mkdtemp(join(tmpdir(), 'drill-synth-bench-'));
try {
  const store = createFileStore(dir);
  const t0 = performance.now();
  const { refs, source } = await against(store);
  const benchmark: string[] = [];
  for await (const p of store.readJsonl(refs[0]!) as AsyncIterable<Problem>) benchmark.push(p.problem);
  const listsRef = await store.writeJsonl('in/lists.jsonl', lists(), 'ConceptList');
  const genResults = await store.writeJsonl('in/generate.lane0.jsonl', generated(benchmark)(), 'LlmResult');
  const setup = performance.now() - t0;

  const t1 = performance.now();
  const gen = await collectLanes(
    store,
    generateStep,
    store.readJsonl(listsRef) as AsyncIterable<ConceptList>,
    [genResults],
    { temperature: 0.6 },
    'out/generated.jsonl',
  );
  const tGenerate = performance.now() - t1;

  const judgeResults = [
    await store.writeJsonl('in/judge.lane0.jsonl', verdicts(store, gen.output, 0)(), 'LlmResult'),
    await store.writeJsonl('in/judge.lane1.jsonl', verdicts(store, gen.output, 1)(), 'LlmResult'),
  ];
  const t2 = performance.now();
  const judged = await collectLanes(
    store,
    judgeStep,
    store.readJsonl(gen.output) as AsyncIterable<SyntheticProblem>,
    judgeResults,
    JUDGE,
    'out/judged.jsonl',
  );
  const tJudge = performance.now() - t2;

  const t3 = performance.now();
  const deduped = await dedupAndDecontaminate(
    store,
    { synthetic: judged.output, against: refs, seed: 0 },
    'out',
  );
  const tDedup = performance.now() - t3;

  const seconds = (tGenerate + tJudge + tDedup) / 1000;
  console.log(
    JSON.stringify({
      records: N,
      against: source,
      recordsPerSecond: Math.round(N / seconds),
      seconds: Number(seconds.toFixed(1)),
      stepSeconds: {
        setup: Number((setup / 1000).toFixed(1)),
        collectGenerate: Number((tGenerate / 1000).toFixed(1)),
        collectJudge: Number((tJudge / 1000).toFixed(1)),
        dedupDecontaminate: Number((tDedup / 1000).toFixed(1)),
      },
      funnel: {
        generated: N,
        'RL-suitable': gen.output.count,
        judged: judged.output.count,
        'after dedup/decontamination': deduped.synthetic.count,
      },
      dropped: { ...gen.counts, ...judged.counts, ...deduped.counts },
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
