/**
 * One measured run for llm.bench.ts, in its own process so each figure (and peak RSS) is its own:
 *   --mode prepare   writes the request artifact to --store and prints its ref
 *   --mode bare      the openai package with a plain concurrency limit
 *   --mode activity  the llmBatch activity's code path (prints each heartbeat, for the resume test)
 *   --rss-trace      prints each new RSS high (sampled every 250 ms) to stderr, to see when the peak comes
 * The last stdout line is a JSON report.
 */
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { createLlmActivities, standaloneContext, type LlmRequest } from '../../activities/llm/index.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import type { ArtifactRef } from '../../schemas/artifact.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    url: { type: 'string', default: '' },
    concurrency: { type: 'string', default: '64' },
    requests: { type: 'string', default: '20000' },
    store: { type: 'string', default: '' },
    ref: { type: 'string', default: '' },
    'out-key': { type: 'string', default: 'bench/out' },
    heartbeat: { type: 'string' },
    'rss-trace': { type: 'boolean', default: false },
  },
});
const n = Number(values.requests);
const concurrency = Number(values.concurrency);
const MODEL = 'bench';

function request(i: number): LlmRequest {
  return {
    custom_id: `r${i}`,
    body: {
      messages: [
        { role: 'user', content: `Problem ${i}: compute ${i} + ${i}. Put the final answer in \\boxed{}.` },
      ],
      max_tokens: 256,
      temperature: 0.6,
    },
  };
}

async function* requests(): AsyncGenerator<LlmRequest> {
  for (let i = 0; i < n; i++) yield request(i);
}

function traceRss(started: number): void {
  let high = 0;
  setInterval(() => {
    const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
    if (rss <= high) return;
    high = rss;
    const m = process.memoryUsage();
    const mb = (x: number): number => Math.round(x / 2 ** 20);
    console.error(
      JSON.stringify({
        seconds: Math.round((performance.now() - started) / 1000),
        rssMB: rss,
        heapUsedMB: mb(m.heapUsed),
        heapTotalMB: mb(m.heapTotal),
        externalMB: mb(m.external),
      }),
    );
  }, 250).unref();
}

async function bare(): Promise<void> {
  const client = new OpenAI({ apiKey: 'no-key', baseURL: values.url, maxRetries: 0 });
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < n; i = next++) {
      const r = request(i);
      await client.chat.completions.create(
        { ...r.body, model: MODEL },
        { headers: { 'x-drill-custom-id': r.custom_id } },
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function activity(): Promise<{ retries: number; ok: number }> {
  const store = createFileStore(values.store);
  const acts = createLlmActivities({
    store,
    context: () =>
      standaloneContext({
        heartbeatDetails: values.heartbeat ? JSON.parse(values.heartbeat) : undefined,
        heartbeat: (details) => console.log(JSON.stringify({ heartbeat: details })),
      }),
  });
  const out = await acts.llmBatch({
    stage: 'bench',
    role: 'student',
    endpointName: 'bench',
    endpoint: {
      baseURLs: [values.url],
      model: MODEL,
      maxConcurrency: concurrency,
      timeoutMs: 120_000,
      timeoutMsPerToken: 50,
      maxRetries: 8,
      pricePerMillionInputTokens: 0,
      pricePerMillionOutputTokens: 0,
      simulated: true,
    },
    requests: JSON.parse(values.ref) as ArtifactRef,
    outKey: values['out-key'],
  });
  return { retries: out.usage.retries, ok: out.usage.ok };
}

if (values.mode === 'prepare') {
  const ref = await createFileStore(values.store).writeJsonl(
    `bench/requests-${n}.jsonl`,
    requests(),
    'LlmRequest',
  );
  console.log(JSON.stringify(ref));
} else {
  const started = performance.now();
  if (values['rss-trace']) traceRss(started);
  const cpuBefore = process.cpuUsage();
  const extra = values.mode === 'bare' ? await bare() : await activity();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    JSON.stringify({
      mode: values.mode,
      concurrency,
      requests: n,
      seconds: Number(seconds.toFixed(2)),
      rps: Math.round(n / seconds),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      cpuUsPerRequest: Math.round((cpu.user + cpu.system) / n),
      ...extra,
    }),
  );
}
