import Table from 'cli-table3';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DatasetSizes, RunPlan } from '../core/plan.js';
import type { RunConfig } from '../schemas/config.js';
import { CliError, ExitCode } from './errors.js';

export interface SizeOverrides {
  train?: number;
  benchmarks: Record<string, number>;
  pool?: number;
}

/** Non-empty lines of a file:// JSONL; other URIs are not read here, so they need an override. */
async function countLines(uri: string, flag: string): Promise<number> {
  if (!uri.startsWith('file://'))
    throw new CliError(`cannot count ${uri} from here: give its size with ${flag}`, ExitCode.BadInput);
  let n = 0;
  try {
    const lines = createInterface({ input: createReadStream(fileURLToPath(uri)), crlfDelay: Infinity });
    for await (const line of lines) if (line.trim()) n++;
  } catch (err) {
    throw new CliError(`cannot read ${uri}: ${(err as Error).message} (or give ${flag})`, ExitCode.BadInput);
  }
  return n;
}

/** The config's dataset sizes: each override where given, otherwise the file's line count. */
export async function datasetSizes(config: RunConfig, over: SizeOverrides): Promise<DatasetSizes> {
  const benchmarks: Record<string, number> = {};
  for (const b of config.data.benchmarks)
    benchmarks[b.name] =
      over.benchmarks[b.name] ?? (await countLines(b.uri, `--benchmark-size ${b.name}=<n>`));
  const pool = config.data.pool;
  return {
    train: over.train ?? (await countLines(config.data.trainSet, '--train-size <n>')),
    benchmarks,
    pool: pool === undefined ? undefined : (over.pool ?? (await countLines(pool, '--pool-size <n>'))),
  };
}

/** One line per row: a plan has many rows. Plain headers when the output is not a terminal. */
const plain = (head: string[]) =>
  new Table({ head, style: { compact: true, ...(process.stdout.isTTY ? {} : { head: [], border: [] }) } });
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const usd = (x: number | undefined) => (x === undefined ? 'no price' : x.toFixed(2));
const atMost = (bound: string, text: string) => (bound === 'at most' ? `≤ ${text}` : text);

/** The plan as tables: LLM calls per stage and role, training jobs, totals and the figures assumed. */
export function planTables(plan: RunPlan, sizes: DatasetSizes): string {
  const calls = plain([
    'round',
    'stage',
    'role',
    'endpoint',
    'requests',
    'n',
    'prompt tok',
    'completion tok',
    'USD',
  ]);
  for (const c of plan.calls)
    calls.push([
      c.round,
      c.stage,
      c.role,
      c.endpoint,
      atMost(c.bound, int(c.requests)),
      c.n,
      atMost(c.bound, int(c.promptTokens)),
      c.completionTokens === 0 ? '0' : `≤ ${int(c.completionTokens)}`,
      c.costUsd === undefined ? usd(undefined) : `≤ ${usd(c.costUsd)}`,
    ]);
  const jobs = plain(['round', 'stage', 'job', 'examples', 'tokens', 'GPU-hours']);
  for (const j of plan.jobs)
    jobs.push([
      j.round,
      j.stage,
      j.kind,
      atMost(j.bound, int(j.examples)),
      atMost(j.bound, int(j.tokens)),
      atMost(j.bound, j.gpuHours.toFixed(2)),
    ]);
  const t = plan.totals;
  const f = plan.figures;
  const bench = Object.entries(sizes.benchmarks)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `Datasets: train ${sizes.train}, benchmarks ${bench}${sizes.pool === undefined ? '' : `, pool ${sizes.pool}`}`,
    `LLM calls per stage and role ("≤": at most — the funnel's filters are unknown before the run; completion tokens are n × max tokens)\n${calls.toString()}`,
    `Training jobs (${f.trainingTokensPerGpuSecond} tokens per GPU-second)\n${jobs.toString()}`,
    `Total: ≤ ${int(t.requests)} requests, ≤ ${int(t.promptTokens)} prompt and ≤ ${int(t.completionTokens)} completion tokens, ≤ $${t.costUsd.toFixed(2)}${plan.unpriced ? ' (endpoints without a price not counted)' : ''}, ≤ ${t.gpuHours.toFixed(2)} GPU-hours`,
    `Assumed: ${f.promptTokensPerRequest} prompt tokens per request, ${f.maxCompletionTokens} completion tokens per choice for roles without a max tokens setting (config "throughput")`,
  ].join('\n\n');
}
