/**
 * Cross-checks our verl Parquet with pyarrow (the reader verl's datasets use): merges a demo bank
 * with synthetic rows into a temp store, then runs test/bench/verl_parquet_check.py on the file.
 * Run: .venv/bin/pip install pyarrow && npx tsx test/bench/verl-parquet.check.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeTrainSet } from '../../activities/stages/augmented-rl-data.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import { generateBank } from '../../infra/simulator/bank.js';
import type { SyntheticProblem } from '../../schemas/records.js';

const dir = await mkdtemp(join(tmpdir(), 'drill-verl-check-'));
try {
  const store = createFileStore(dir);
  const bank = generateBank({ seed: 1, perCategory: 20, idPrefix: 'bank' });
  const synthetic: SyntheticProblem[] = generateBank({ seed: 3, perCategory: 5, idPrefix: 'syn' }).map(
    (p) => ({
      id: p.id,
      category: p.category ?? 'Other',
      level: 'AIME',
      concepts: [],
      problem: p.problem,
      answer: p.answer,
    }),
  );
  const merged = await mergeTrainSet(
    store,
    {
      original: await store.writeJsonl('in/train.jsonl', bank, 'Problem'),
      synthetic: [await store.writeJsonl('in/synthetic.jsonl', synthetic, 'SyntheticProblem')],
    },
    'out',
  );
  const python = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));
  const script = fileURLToPath(new URL('./verl_parquet_check.py', import.meta.url));
  process.stdout.write(
    execFileSync(python, [script, fileURLToPath(merged.parquet.uri)], { encoding: 'utf8' }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
