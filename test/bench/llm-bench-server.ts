/**
 * A minimal OpenAI-compatible chat server for the LLM benchmark. It counts calls per request
 * number (custom ids "r<k>" in the x-drill-custom-id header) so the benchmark can tell how many
 * requests were sent more than once. Each answer's latency follows --profile:
 *   fixed   every answer takes --latency ms (20 by default);
 *   heavy   chain-of-thought-like: lognormal with median 500 ms and σ = 1.2, plus 0.5 % of calls
 *           taking 30 s. Drawn from a hash of (--seed, k), so every run, bare or activity, sees the
 *           same latency for the same request.
 * Run as its own process so the client being measured has a core to itself:
 *   tsx test/bench/llm-bench-server.ts --profile heavy --requests 6000
 * It prints {"port": …} on its first stdout line. GET /stats → {total, distinct}; POST /reset.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'fixed' },
    latency: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    requests: { type: 'string', default: '1000000' },
  },
});

const HEAVY = { medianMs: 500, sigma: 1.2, stragglerRate: 0.005, stragglerMs: 30_000 };

/** Three uniforms in [0, 1) from (seed, k): splitmix32-style mixing, no shared generator state. */
function uniforms(seed: number, k: number): [number, number, number] {
  const out: number[] = [];
  let h = (Math.imul(seed, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < 3; i++) {
    h = (h + 0x9e3779b9) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    out.push(((z ^ (z >>> 15)) >>> 0) / 2 ** 32);
  }
  return out as [number, number, number];
}

function heavyLatencyMs(seed: number, k: number): number {
  const [u1, u2, u3] = uniforms(seed, k);
  if (u3 < HEAVY.stragglerRate) return HEAVY.stragglerMs;
  // Box–Muller: one standard normal from two uniforms (1 − u1 is in (0, 1], so the log is finite).
  const z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  return HEAVY.medianMs * Math.exp(HEAVY.sigma * z);
}

const seed = Number(values.seed);
const fixedMs = Number(values.latency);
if (values.profile !== 'fixed' && values.profile !== 'heavy')
  throw new Error(`--profile must be fixed or heavy, not ${values.profile}`);
const latencyOf = values.profile === 'heavy' ? (k: number) => heavyLatencyMs(seed, k) : () => fixedMs;

const seen = new Uint8Array(Number(values.requests));
let total = 0;
let distinct = 0;

const answer = JSON.stringify({
  id: 'bench',
  object: 'chat.completion',
  created: 0,
  model: 'bench',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'The answer is \\boxed{42}.' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 },
});

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.end(JSON.stringify({ total, distinct }));
    return;
  }
  if (req.url === '/reset') {
    seen.fill(0);
    total = distinct = 0;
    res.end('{}');
    return;
  }
  req.resume();
  req.on('end', () => {
    total += 1;
    const k = Number(String(req.headers['x-drill-custom-id'] ?? '').slice(1));
    const known = Number.isInteger(k) && k >= 0 && k < seen.length;
    if (known && seen[k] === 0) {
      seen[k] = 1;
      distinct += 1;
    }
    setTimeout(
      () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(answer);
      },
      known ? latencyOf(k) : fixedMs,
    );
  });
});
server.keepAliveTimeout = 60_000;
// Answers may take longer than node's default request timeout allows for (a straggler, a queue).
server.requestTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
