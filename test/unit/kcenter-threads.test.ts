import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kCenterModule } from '../../core/kcenter-kernel.js';
import { rowRanges, startKernelTeam } from '../../core/kcenter-threads.js';

describe('kernel team', () => {
  it('splits rows into contiguous ranges in index order', () => {
    // 10 rows over 3 threads: floor(10·t/3) = 0, 3, 6, 10
    assert.deepEqual(rowRanges(10, 3), [
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    assert.deepEqual(rowRanges(2, 3), [
      [0, 0],
      [0, 1],
      [1, 2],
    ]);
  });

  it("reports a worker thread's failure as an error and still shuts down", async () => {
    // one 64 KiB page holds row 0 of 16,384 floats; the worker's row 1 lies beyond the memory,
    // so its first step traps
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const layout = { n: 2, d: 16_384, data: 0, norms: 0, min: 0 };
    const team = startKernelTeam(await kCenterModule(), memory, layout, 2);
    const written: [number, number][] = [];
    try {
      await assert.rejects(
        team.fill((start, end) => written.push([start, end])),
        /a kernel thread failed: RuntimeError: memory access out of bounds/,
      );
      // the caller's own range was written, the worker's was not
      assert.deepEqual(written, [[0, 1]]);
    } finally {
      await team.close();
    }
  });
});
