/**
 * `drill verify`: reads JSONL lines `{"gold": ..., "pred": ...}` and writes one JSON line per input
 * line, in order: `{"equal": bool, "reason", "goldAnswer", "predAnswer"}`. A malformed line yields
 * `{"equal": false, "error": "line N: ..."}` and the others still run. Blank lines are skipped.
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { verify } from '../core/verify/index.js';

const VerifyLine = z.object({
  gold: z.string().describe('Reference answer or full reference solution'),
  pred: z.string().describe('Predicted answer or full model response'),
});

function judge(line: string, lineNo: number): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return { equal: false, error: `line ${lineNo}: not JSON (${(err as Error).message})` };
  }
  const parsed = VerifyLine.safeParse(json);
  if (!parsed.success) return { equal: false, error: `line ${lineNo}: ${z.prettifyError(parsed.error)}` };
  return verify(parsed.data.gold, parsed.data.pred) as unknown as Record<string, unknown>;
}

export async function runVerify(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<{ lines: number; equal: number }> {
  let lines = 0;
  let equal = 0;
  let lineNo = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    const verdict = judge(line, lineNo);
    lines++;
    if (verdict.equal === true) equal++;
    if (!output.write(JSON.stringify(verdict) + '\n')) {
      await new Promise<void>((resolve) => output.once('drain', () => resolve()));
    }
  }
  return { lines, equal };
}
