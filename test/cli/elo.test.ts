import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDrill as run } from './run-drill.js';

async function battlesFile(lines: string[]): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'drill-elo-')), 'battles.jsonl');
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

void describe('drill elo', () => {
  void it('applies one classic update per battle in file order', async () => {
    const path = await battlesFile([
      '{"a":"x","b":"y","winner":"a"}',
      '{"a":"x","b":"z","winner":"a"}',
      '',
      '{"a":"z","b":"y","winner":"tie"}',
    ]);
    const r = await run(['elo', '--battles', path]);
    assert.equal(r.code, 0, r.stderr);
    const { ratings } = JSON.parse(r.stdout) as { ratings: Record<string, number> };
    // x 20, y −20; x beats z: E_x = 0.528751 → x 38.84996, z −18.84996;
    // z–y tie: E_z = 1/(1+10^((−20+18.84996)/400)) = 0.501655 → z += 40·(0.5 − 0.501655) = −0.06621
    const expected = { x: 38.84996, y: -19.93379, z: -18.91617 };
    assert.deepEqual(Object.keys(ratings).sort(), ['x', 'y', 'z']);
    for (const [m, v] of Object.entries(expected)) {
      assert.ok(Math.abs((ratings[m] as number) - v) < 1e-4, `${m}: ${ratings[m]} ≠ ${v}`);
    }
  });

  void it('names the bad line and exits 2', async () => {
    const path = await battlesFile(['{"a":"x","b":"y","winner":"a"}', '{"a":"x","b":"y","winner":"A"}']);
    const r = await run(['elo', '--battles', path]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /line 2: .*winner/s);
    assert.equal(r.stdout, '');
  });
});
