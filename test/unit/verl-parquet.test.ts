import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { mergeTrainSet } from '../../activities/stages/augmented-rl-data.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import { SOLVE_INSTRUCTION } from '../../core/prompts/solve.js';
import type { Problem, SyntheticProblem } from '../../schemas/records.js';

const original: Problem[] = [
  {
    index: 4,
    id: 'orig-a',
    problem: 'What is $1+1$?',
    answer: '2',
    category: 'Prealgebra',
    source: 'original',
  },
  {
    index: 9,
    id: 'orig-b',
    problem: 'Solve $x^2=4$, $x>0$.',
    answer: '2',
    category: 'Algebra',
    source: 'original',
  },
];
const synthetic: SyntheticProblem[] = [
  {
    id: 'r0-nt-0',
    category: 'Number Theory',
    level: 'AIME',
    concepts: ['mod'],
    problem: 'Find $7 \\bmod 3$.',
    answer: '1',
  },
  {
    id: 'r0-geo-0',
    category: 'Geometry',
    level: 'AMC12',
    concepts: ['area'],
    problem: 'Area of a unit square?',
    answer: '1',
  },
];

void describe('augmented training set as verl Parquet', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  void it('writes every row with chat prompt, rule reward, unique indices and synthetic tags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-verl-'));
    dirs.push(dir);
    const store = createFileStore(dir);
    const orig = await store.writeJsonl('in/original.jsonl', original, 'Problem');
    const syn = await store.writeJsonl('in/synthetic.jsonl', synthetic, 'SyntheticProblem');
    const merged = await mergeTrainSet(store, { original: orig, synthetic: [syn] }, 'out');

    assert.equal(merged.parquet.schema, 'ParquetTable');
    assert.equal(merged.parquet.count, 4);
    assert.match(merged.parquet.uri, /train\.parquet$/);

    const file = await asyncBufferFromFile(fileURLToPath(merged.parquet.uri));
    const metadata = await parquetMetadataAsync(file);
    assert.deepEqual(
      parquetSchema(metadata).children.map((c) => c.element.name),
      ['data_source', 'prompt', 'ability', 'reward_model', 'extra_info'],
    );
    const rows = (await parquetReadObjects({ file })) as {
      data_source: string;
      prompt: { role: string; content: string }[];
      ability: string;
      reward_model: { style: string; ground_truth: string };
      extra_info: { index: bigint; split: string; category: string; source: string };
    }[];
    // Synthetic rows get fresh indices after the largest original index (9).
    assert.deepEqual(
      rows.map((r) => [r.data_source, r.extra_info.index, r.extra_info.source, r.extra_info.category]),
      [
        ['original', 4n, 'orig-a', 'Prealgebra'],
        ['original', 9n, 'orig-b', 'Algebra'],
        ['synthetic', 10n, 'r0-nt-0', 'Number Theory'],
        ['synthetic', 11n, 'r0-geo-0', 'Geometry'],
      ],
    );
    assert.equal(new Set(rows.map((r) => r.extra_info.index)).size, rows.length);
    assert.deepEqual(rows[2]!.prompt, [
      { role: 'user', content: `Find $7 \\bmod 3$.\n\n${SOLVE_INSTRUCTION}` },
    ]);
    assert.deepEqual(
      rows.map((r) => r.reward_model),
      ['2', '2', '1', '1'].map((ground_truth) => ({ style: 'rule', ground_truth })),
    );
    assert.ok(rows.every((r) => r.ability === 'math' && r.extra_info.split === 'train'));
  });
});
