import OpenAI from 'openai';
import { PROMPTS } from '../../core/prompts/index.js';
import { generateBank } from '../../infra/simulator/bank.js';
const bank = generateBank({ seed: 1, perCategory: 100, idPrefix: 'b' });
const msgs = bank.map((p) => [{ role: 'user', content: PROMPTS.solve.render({ problem: p.problem }).user }]);
const client = new OpenAI({ baseURL: 'http://127.0.0.1:18931/v1', apiKey: 'x', maxRetries: 0 });
for (const C of [64, 256]) {
const N = 8000; let next = 0;
const t = performance.now();
await Promise.all(Array.from({ length: C }, async () => { while (next < N) { const i = next++; await client.chat.completions.create({ model: 'sim-base', messages: msgs[i % msgs.length] as any, seed: i }); } }));
const s = (performance.now() - t) / 1000;
console.log(`HTTP (separate server process): ${N} in ${s.toFixed(2)}s = ${(N / s).toFixed(0)} req/s at concurrency ${C}`);
}
