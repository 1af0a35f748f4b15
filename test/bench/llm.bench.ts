/**
 * Benchmark of the batch LLM activity against the bare openai package (issue 3):
 *   npm run bench:llm -- [--requests 20000] [--concurrency 64,256] [--modes bare,activity]
 *                        [--repeats 3] [--resume-requests 100000 | --no-resume] [--heap-mb M]
 * A fixed-latency server (20 ms) runs in its own process; each measured run is a fresh client
 * process, so the two cores split as server + client and every run has its own peak RSS. Each
 * repeat runs one bare and one activity run back to back (alternating which goes first) and takes
 * their ratio, so load from other work on the machine hits both sides of a ratio alike; the
 * figures reported are medians over --repeats.
 * Then the resume test: an activity run is killed (SIGKILL) once half the batch is durably
 * written, resumed from its last heartbeat, and the server's counts give the requests sent
 * twice. The resume batch is larger by default: the calls in flight at the kill (up to the
 * concurrency) are necessarily sent again, so a small batch could not show the 1% target.
 * --heap-mb caps V8's old space in every client (bare and activity alike): peak RSS is mostly
 * garbage V8 has not collected yet, and the cap shows the memory the runs actually need.
 * The memory target runs the activity alone on a million requests:
 *   npm run bench:llm -- --requests 1000000 --concurrency 256 --repeats 1 --modes activity --no-resume
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
    requests: { type: 'string', default: '20000' },
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
const requests = Number(values.requests);
const resumeRequests = Number(values['resume-requests']);
const heap = values['heap-mb'] ? [`--max-old-space-size=${values['heap-mb']}`] : [];

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

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'drill-bench-'));
  const serverArgs = flags({ latency: values.latency, requests: Math.max(requests, resumeRequests) });
  const server = run('fixed-latency-server.ts', serverArgs);
  try {
    const port = await new Promise<number>((resolve) =>
      server.child.stdout!.once('data', (chunk: Buffer) =>
        resolve((JSON.parse(chunk.toString().split('\n')[0]!) as { port: number }).port),
      ),
    );
    const admin = `http://127.0.0.1:${port}`;
    const reset = (): Promise<Response> => fetch(`${admin}/reset`, { method: 'POST' });
    const client = (
      opts: Record<string, string | number>,
      onLine?: (line: string, child: ChildProcess) => void,
    ) => run('llm-bench-client.ts', flags({ url: `${admin}/v1`, store: dir, ...opts }), onLine, heap).done;
    const prepare = async (n: number): Promise<string> =>
      (await client({ mode: 'prepare', requests: n })).last;

    const ref = await prepare(requests);
    const report: Record<string, unknown> = {
      requests,
      latencyMs: Number(values.latency),
      heapMB: values['heap-mb'] ? Number(values['heap-mb']) : 'default',
    };
    const modes = values.modes.split(',');
    for (const concurrency of values.concurrency.split(',')) {
      const runs: Record<string, number>[] = [];
      for (let k = 0; k < Number(values.repeats); k++) {
        const run: Record<string, number> = {};
        for (const mode of k % 2 === 0 ? modes : [...modes].reverse()) {
          await reset();
          const { last } = await client({
            mode,
            concurrency,
            requests,
            ref,
            'out-key': `bench/c${concurrency}-${k}`,
          });
          const out = JSON.parse(last) as { rps: number; peakRssMB: number; cpuUsPerRequest: number };
          run[`${mode}Rps`] = out.rps;
          run[`${mode}CpuUsPerRequest`] = out.cpuUsPerRequest;
          run[`${mode}PeakRssMB`] = out.peakRssMB;
        }
        if (run.bareRps && run.activityRps) run.ratio = Number((run.activityRps / run.bareRps).toFixed(3));
        runs.push(run);
      }
      const row = Object.fromEntries(
        Object.keys(runs[0]!).map((key) => [key, median(runs.map((r) => r[key]!))]),
      );
      report[`c${concurrency}`] = { ...row, ratios: runs.map((r) => r.ratio) };
    }

    if (!values['no-resume']) {
      const resumeRef = await prepare(resumeRequests);
      await reset();
      const concurrency = values.concurrency.split(',').at(-1)!;
      const opts = {
        mode: 'activity',
        concurrency,
        requests: resumeRequests,
        ref: resumeRef,
        'out-key': 'bench/resume',
      };
      let heartbeat = '';
      const first = await client(opts, (line, child) => {
        const hb = (JSON.parse(line) as { heartbeat?: { offset: number } }).heartbeat;
        if (!hb) return;
        heartbeat = JSON.stringify(hb);
        if (hb.offset >= resumeRequests / 2) child.kill('SIGKILL');
      });
      const second = await client({ ...opts, heartbeat });
      const s = (await (await fetch(`${admin}/stats`)).json()) as { total: number; distinct: number };
      report.resume = {
        requests: resumeRequests,
        concurrency: Number(concurrency),
        killedBy: first.signal,
        resumedFromOffset: (JSON.parse(heartbeat) as { offset: number }).offset,
        completed: (JSON.parse(second.last) as { ok: number }).ok,
        sent: s.total,
        resent: s.total - s.distinct,
        resentPct: Number(((100 * (s.total - s.distinct)) / resumeRequests).toFixed(3)),
      };
    }
    console.log(JSON.stringify(report));
  } finally {
    server.child.kill('SIGTERM');
    await server.done;
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
