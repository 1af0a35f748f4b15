import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cachedStep, stableStringify, stepKey } from '../../activities/cache.js';
import { createFileStore } from '../../activities/storage/file-store.js';

void describe('step cache', () => {
  void it('hashes config slices independently of key order', () => {
    assert.equal(stableStringify({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
    const ref = { uri: 'file:///x', sha256: 'a'.repeat(64), count: 1, schema: 'Problem' as const };
    assert.equal(
      stepKey({ step: 's', params: { x: 1, y: 2 }, inputs: [ref] }),
      stepKey({ step: 's', params: { y: 2, x: 1 }, inputs: [ref] }),
    );
    assert.notEqual(
      stepKey({ step: 's', params: { x: 1 }, inputs: [ref] }),
      stepKey({ step: 's', params: { x: 2 }, inputs: [ref] }),
    );
    assert.notEqual(
      stepKey({ step: 's', params: {}, inputs: [ref] }),
      stepKey({ step: 's', params: {}, inputs: [{ ...ref, sha256: 'b'.repeat(64) }] }),
    );
  });

  void it('produces a step once; later calls return the recorded output', async () => {
    const store = createFileStore(await mkdtemp(join(tmpdir(), 'drill-cache-')));
    let produced = 0;
    const id = { step: 'demo', params: { k: 1 }, inputs: [] };
    const run = () => cachedStep(store, id, async (prefix) => ({ n: ++produced, prefix }));
    const first = await run();
    const second = await run();
    assert.equal(produced, 1);
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.deepEqual(second.output, first.output);
    assert.equal((await store.list(`ledger/demo/${first.key}/`)).length, 1);
  });

  void it('when two attempts race, both return the output of the one that committed first', async () => {
    const store = createFileStore(await mkdtemp(join(tmpdir(), 'drill-cache-')));
    let n = 0;
    const id = { step: 'race', params: {}, inputs: [] };
    const [a, b] = await Promise.all([1, 2].map(() => cachedStep(store, id, async () => ({ n: ++n }))));
    assert.deepEqual(a!.output, b!.output);
    assert.equal([a!.cached, b!.cached].filter(Boolean).length, 1);
  });
});
