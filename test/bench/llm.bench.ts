/**
 * Benchmark of the batch LLM activity against the bare openai package (issues 3 and 12):
 *   npm run bench:llm -- [--profiles fixed,heavy] [--requests 20000] [--heavy-requests 6000]
 *                        [--concurrency 64,256] [--modes bare,activity] [--repeats 3]
 *                        [--latency 20] [--resume-requests 100000 | --no-resume] [--heap-mb M]
 * Latency profiles (llm-bench-server.ts): fixed (every answer in --latency ms) and heavy
 * (lognormal, median 500 ms, σ = 1.2, plus 0.5 % of calls taking 30 s, the same latency for the
 * same request in every run). The heavy profile runs fewer requests: a run lasts as long as its
 * slowest calls, about a minute and a half at concurrency 64.
 * The server runs in its own process; each measured run is a fresh client process, so the two
 * cores split as server + client and every run has its own peak RSS. Each repeat runs one bare
 * and one activity run back to back (alternating which goes first) and takes their ratio, so
 * load from other work on the machine hits both sides of a ratio alike; the figures reported are
 * medians over --repeats.
 * Then the resume test (fixed profile): an activity run is killed (SIGKILL) once half the batch
 * is durably written, resumed from its last heartbeat, and the server's counts give the requests
 * sent twice. The resume batch is larger by default: the calls in flight at the kill (up to the
 * concurrency) are necessarily sent again, so a small batch could not show the 1% target.
 * --heap-mb caps V8's old space in every client (bare and activity alike): peak RSS is mostly
 * garbage V8 has not collected yet, and the cap shows the memory the runs actually need.
 * The memory target runs the activity alone on a million requests:
 *   npm run bench:llm -- --profiles fixed --requests 1000000 --concurrency 256 --repeats 1 --modes activity --no-resume
 * Prints one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    profiles: { type: 'string', default: 'fixed,heavy' },
    requests: { type: 'string', default: '20000' },
    'heavy-requests': { type: 'string', default: '6000' },
    concurrency: { type: 'string', default: '64,256' },
    modes: { type: 'string', default: 'bare,activity' },
    latency: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '3' },
    'resume-requests': { type: 'string', default: '100000' },
    'no-resume': { type: 'boolean', default: false },
    'heap-mb': { type: 'string' },
  },
});
const here = import.meta.dirname;
const resumeRequests = Number(values['resume-requests']);
const heap = values['heap-mb'] ? [`--max-old-space-size=${values['heap-mb']}`] : [];
const requestsOf = (profile: string): number =>
  Number(profile === 'heavy' ? values['heavy-requests'] : values.requests);

/** Spawns a tsx script; onLine sees each stdout line. Resolves with the last line. */
function run(
  script: string,
  args: string[],
  onLine?: (line: string, child: ChildProcess) => void,
  node: string[] = [],
) {
  const child = spawn(process.execPath, [...node, '--import', 'tsx', join(here, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = '';
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    last = line;
    onLine?.(line, child);
  });
  const done = new Promise<{ last: string; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (_code, signal) => resolve({ last, signal })),
  );
  return { child, done };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const flags = (opts: Record<string, string | number>): string[] =>
  Object.entries(opts).flatMap(([k, v]) => [`--${k}`, String(v)]);

type OnLine = (line: string, child: ChildProcess) => void;

/** A server of one latency profile, with the client runs against it; stop() ends the server. */
async function startBench(dir: string, profile: string, requests: number) {
  const server = run(
    'llm-bench-server.ts',
    flags({ profile, latency: values.latency, requests: Math.max(requests, resumeRequests) }),
  );
  const port = await new Promise<number>((resolve) =>
    server.child.stdout!.once('data', (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString().split('\n')[0]!) as { port: number }).port),
    ),
  );
  const admin = `http://127.0.0.1:${port}`;
  const client = (opts: Record<string, string | number>, onLine?: OnLine) =>
    run('llm-bench-client.ts', flags({ url: `${admin}/v1`, store: dir, ...opts }), onLine, heap).done;
  return {
    client,
    reset: (): Promise<Response> => fetch(`${admin}/reset`, { method: 'POST' }),
    stats: async () => (await (await fetch(`${admin}/stats`)).json()) as { total: number; distinct: number },
    prepare: async (n: number): Promise<string> => (await client({ mode: 'prepare', requests: n })).last,
    stop: async (): Promise<void> => {
      server.child.kill('SIGTERM');
      await server.done;
    },
  };
}
type Bench = Awaited<ReturnType<typeof startBench>>;

interface RunFigures {
  rps: number;
  peakRssMB: number;
  cpuUsPerRequest: number;
}

/**
 * One client run against a reset server. On a loaded machine a run can die of a dropped
 * connection (the bare client has no retries): it is run once more, and the rerun is logged.
 */
async function measured(bench: Bench, opts: Record<string, string | number>): Promise<RunFigures> {
  for (let attempt = 1; ; attempt++) {
    await bench.reset();
    const { last } = await bench.client(opts);
    try {
      return JSON.parse(last) as RunFigures;
    } catch (err) {
      if (attempt > 1) throw err;
      console.error(
        `llm bench: the ${String(opts.mode)} run at c${opts.concurrency} failed; running it again`,
      );
    }
  }
}

/** Alternating bare/activity pairs at each concurrency; medians and every pair's ratio. */
async function throughput(bench: Bench, profile: string, requests: number): Promise<Record<string, unknown>> {
  const ref = await bench.prepare(requests);
  const report: Record<string, unknown> = {
    requests,
    ...(profile === 'fixed' ? { latencyMs: Number(values.latency) } : {}),
  };
  const modes = values.modes.split(',');
  for (const concurrency of values.concurrency.split(',')) {
    const runs: Record<string, number>[] = [];
    for (let k = 0; k < Number(values.repeats); k++) {
      const pair: Record<string, number> = {};
      for (const mode of k % 2 === 0 ? modes : [...modes].reverse()) {
        const out = await measured(bench, {
          mode,
          concurrency,
          requests,
          ref,
          'out-key': `bench/${profile}-c${concurrency}-${k}`,
        });
        pair[`${mode}Rps`] = out.rps;
        pair[`${mode}CpuUsPerRequest`] = out.cpuUsPerRequest;
        pair[`${mode}PeakRssMB`] = out.peakRssMB;
      }
      if (pair.bareRps && pair.activityRps) pair.ratio = Number((pair.activityRps / pair.bareRps).toFixed(3));
      runs.push(pair);
    }
    const row = Object.fromEntries(
      Object.keys(runs[0]!).map((key) => [key, median(runs.map((r) => r[key]!))]),
    );
    report[`c${concurrency}`] = { ...row, ratios: runs.map((r) => r.ratio) };
  }
  return report;
}

/** SIGKILL once half the batch is durable, resume from the last heartbeat, count what went out twice. */
async function resume(bench: Bench): Promise<Record<string, unknown>> {
  const ref = await bench.prepare(resumeRequests);
  await bench.reset();
  const concurrency = values.concurrency.split(',').at(-1)!;
  const opts = { mode: 'activity', concurrency, requests: resumeRequests, ref, 'out-key': 'bench/resume' };
  let heartbeat = '';
  const first = await bench.client(opts, (line, child) => {
    const hb = (JSON.parse(line) as { heartbeat?: { done: number } }).heartbeat;
    if (!hb) return;
    heartbeat = JSON.stringify(hb);
    if (hb.done >= resumeRequests / 2) child.kill('SIGKILL');
  });
  const second = await bench.client({ ...opts, heartbeat });
  const s = await bench.stats();
  return {
    requests: resumeRequests,
    concurrency: Number(concurrency),
    killedBy: first.signal,
    resumedFromDone: (JSON.parse(heartbeat) as { done: number }).done,
    completed: (JSON.parse(second.last) as { ok: number }).ok,
    sent: s.total,
    resent: s.total - s.distinct,
    resentPct: Number(((100 * (s.total - s.distinct)) / resumeRequests).toFixed(3)),
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'drill-bench-'));
  const report: Record<string, unknown> = {
    heapMB: values['heap-mb'] ? Number(values['heap-mb']) : 'default',
  };
  try {
    for (const profile of values.profiles.split(',')) {
      const bench = await startBench(dir, profile, requestsOf(profile));
      try {
        report[profile] = await throughput(bench, profile, requestsOf(profile));
        if (profile === 'fixed' && !values['no-resume']) report.resume = await resume(bench);
      } finally {
        await bench.stop();
      }
    }
    console.log(JSON.stringify(report));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
