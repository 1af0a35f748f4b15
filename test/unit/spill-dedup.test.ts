import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spillDedup, type SpillVerdict } from '../../activities/stages/spill-dedup.js';
import { NearDuplicateIndex } from '../../core/dedup.js';
import { createRng } from '../../core/rng.js';

const rng = createRng(5);
const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
const fresh = () => Array.from({ length: 25 }, () => rng.pick(words));
// Every 4th text repeats an earlier one with its last word changed (Jaccard of 5-shingles 20/22 ≈ 0.91),
// every 9th is excluded (as a contaminated problem would be), one text is an exact repeat of text 0.
const texts: string[] = [];
for (let i = 0; i < 300; i++) {
  if (i % 4 === 3) {
    const base = texts[rng.int(texts.length)]!.split(' ');
    texts.push([...base.slice(0, -1), 'changed'].join(' '));
  } else texts.push(fresh().join(' '));
}
texts.push(texts[0]!);
const excluded = (i: number) => i % 9 === 4;

async function* items() {
  for (let i = 0; i < texts.length; i++) yield i;
}

void describe('near-duplicate removal spilled to disk', () => {
  for (const expected of [texts.length, 2_000_000]) {
    void it(`gives the in-memory index's verdicts (${expected === texts.length ? 'one partition' : 'many partitions'})`, async () => {
      const index = new NearDuplicateIndex<number>({ threshold: 0.8, seed: 3 });
      const want: SpillVerdict[] = texts.map((t, i) =>
        excluded(i) ? 'excluded' : index.offer(i, t) === null ? 'kept' : 'duplicate',
      );
      const got: SpillVerdict[] = [];
      for await (const v of spillDedup(items, (i) => texts[i]!, excluded, {
        threshold: 0.8,
        seed: 3,
        expected,
      }))
        got.push(v.verdict);
      assert.deepEqual(got, want);
      assert.equal(got.at(-1), 'duplicate', 'the exact repeat of text 0');
      assert.ok(got.filter((v) => v === 'duplicate').length >= 50);
    });
  }
});
