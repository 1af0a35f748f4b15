import { BOUNDED, FULL, runChaos, summarize } from './chaos.js';

/**
 * `npm run test:chaos` (the bounded plan that CI runs) or `npm run test:chaos -- --full`; needs the
 * dev stack (`bash infra/stack.sh start && source .drill/stack/env`). `--seed N` moves the faults.
 * Prints the figures and exits 1 unless every faulty run matched the undisturbed one.
 */
const args = process.argv.slice(2);
const plan = args.includes('--full') ? FULL : BOUNDED;
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 14;
if (!Number.isInteger(seed)) {
  console.error(`--seed must be an integer, got ${args[seedAt + 1]}`);
  process.exit(2);
}
const report = await runChaos(plan, seed, (line) => console.error(`[chaos] ${line}`));
const { lines, ok } = summarize(plan, report);
for (const line of lines) console.log(line);
console.log(ok ? 'chaos: PASS' : 'chaos: FAIL');
process.exit(ok ? 0 : 1);
