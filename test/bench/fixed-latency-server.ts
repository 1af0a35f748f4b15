/**
 * A minimal OpenAI-compatible chat server for benchmarks: every answer takes exactly --latency
 * ms. It counts calls per request number (custom ids "r<k>" in the x-drill-custom-id header) so
 * the benchmark can tell how many requests were sent more than once. Run as its own process so
 * the client being measured has a core to itself:
 *   tsx test/bench/fixed-latency-server.ts --latency 20 --requests 100000
 * It prints {"port": …} on its first stdout line. GET /stats → {total, distinct}; POST /reset.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { latency: { type: 'string', default: '20' }, requests: { type: 'string', default: '1000000' } },
});
const latencyMs = Number(values.latency);
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
    if (Number.isInteger(k) && k >= 0 && k < seen.length && seen[k] === 0) {
      seen[k] = 1;
      distinct += 1;
    }
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    }, latencyMs);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
