/**
 * `drill elo --battles FILE`: classic Elo over JSONL battles `{"a", "b", "winner": "a"|"b"|"tie"}`,
 * one update per line in file order (start 0, K = 40, base 10, scale 400 unless given), printing
 * `{"ratings": {model: rating}}`. The gold stage writes its votes in this shape (battles.jsonl),
 * so a run's ratings can be recomputed from its record.
 */
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ELO_DEFAULTS, eloRatings, type EloBattle } from '../core/elo.js';

const BattleLine = z.object({
  a: z.string().min(1),
  b: z.string().min(1),
  winner: z.enum(['a', 'b', 'tie']),
});

/** Reads every battle first so a bad line is reported (with its number) before anything is printed. */
export async function readBattles(path: string): Promise<EloBattle[]> {
  const out: EloBattle[] = [];
  let lineNo = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new Error(`${path} line ${lineNo}: not JSON (${(err as Error).message})`);
    }
    const parsed = BattleLine.safeParse(json);
    if (!parsed.success) throw new Error(`${path} line ${lineNo}: ${z.prettifyError(parsed.error)}`);
    if (parsed.data.a === parsed.data.b)
      throw new Error(`${path} line ${lineNo}: "a" and "b" are both "${parsed.data.a}"`);
    out.push(parsed.data);
  }
  return out;
}

/** Registers the command; `badInput` wraps errors the user can fix so the CLI exits with code 2. */
export function addEloCommand(program: Command, badInput: (message: string) => Error): void {
  program
    .command('elo')
    .description('classic Elo over JSONL battles {"a","b","winner":"a"|"b"|"tie"} in file order')
    .requiredOption('--battles <file>', 'JSONL battles')
    .option('--k <x>', 'K factor', String(ELO_DEFAULTS.k))
    .option('--initial <x>', 'starting rating', String(ELO_DEFAULTS.initial))
    .action(async (opts: { battles: string; k: string; initial: string }) => {
      let battles: EloBattle[];
      try {
        battles = await readBattles(opts.battles);
      } catch (err) {
        throw badInput((err as Error).message);
      }
      const ratings = eloRatings(battles, { k: Number(opts.k), initial: Number(opts.initial) });
      console.log(JSON.stringify({ ratings }));
    });
}
