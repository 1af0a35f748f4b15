import { linesOf } from './part-layout.js';

/** Which of a batch's input lines (0-based) are durably done: one bit a line, so a million cost 125 kB. */
export class LineSet {
  private readonly bits: Uint8Array;
  size = 0;

  constructor(readonly total: number) {
    this.bits = new Uint8Array(Math.ceil(total / 8));
  }

  has(line: number): boolean {
    return (this.bits[line >> 3]! & (1 << (line & 7))) !== 0;
  }

  add(line: number): void {
    if (line >= this.total) throw new RangeError(`line ${line + 1} is past the batch's ${this.total} lines`);
    if (this.has(line)) return;
    this.bits[line >> 3]! |= 1 << (line & 7);
    this.size += 1;
  }

  /** Whether every line of runs is already in the set. */
  covers(runs: number[]): boolean {
    for (const line of linesOf(runs)) if (!this.has(line)) return false;
    return true;
  }

  addRuns(runs: number[]): void {
    for (const line of linesOf(runs)) this.add(line);
  }
}
