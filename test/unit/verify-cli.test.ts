import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { runVerify } from '../../cli/verify.js';

async function run(
  text: string,
): Promise<{ summary: { lines: number; equal: number }; out: Record<string, unknown>[] }> {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (c: Buffer) => chunks.push(c.toString()));
  const summary = await runVerify(Readable.from([text]), output);
  output.end();
  const out = chunks
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { summary, out };
}

void test('runVerify writes one verdict per line, in order', async () => {
  const input = [
    JSON.stringify({ gold: '\\frac{1}{2}', pred: 'So the answer is $\\boxed{0.5}$.' }),
    JSON.stringify({ gold: '3', pred: '4' }),
    '',
    JSON.stringify({ gold: '(1,2)', pred: '\\left( 1, 2 \\right)' }),
  ].join('\n');
  const { summary, out } = await run(input);
  assert.deepEqual(summary, { lines: 3, equal: 2 });
  assert.deepEqual(
    out.map((o) => o.equal),
    [true, false, true],
  );
  assert.equal(out[0]!.predAnswer, '0.5');
  assert.equal(typeof out[1]!.reason, 'string');
});

void test('a malformed line yields an error naming its line and the others still run', async () => {
  const input = ['{"gold": "1", "pred": "1"}', '{not json', '{"gold": 1}', '{"gold": "2", "pred": "2"}'].join(
    '\n',
  );
  const { summary, out } = await run(input);
  assert.deepEqual(summary, { lines: 4, equal: 2 });
  assert.equal(out[0]!.equal, true);
  assert.match(String(out[1]!.error), /^line 2: not JSON/);
  assert.match(String(out[2]!.error), /^line 3: .*gold/s);
  assert.equal(out[3]!.equal, true);
});
