import { mkdtemp, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimatedJaccard, lshBandKeys, lshBands, minhashSignature } from '../../core/dedup.js';

/**
 * Near-duplicate removal over a stream too large for an in-memory LSH index. Same rule as
 * `NearDuplicateIndex.offer` (a text is dropped when an earlier kept text shares an LSH band with
 * it and their MinHash Jaccard estimate reaches the threshold; candidates are tried earliest
 * first), in three passes over temp files:
 *   1. signatures go to one fixed-width file, (band key, position) pairs to partition files;
 *   2. each partition is grouped in memory: texts sharing a key become (later, earlier) pairs;
 *   3. the records stream again; a text with candidates reads their signatures back by offset.
 * Memory holds one partition, two bits per record and 12 bytes per candidate pair, never the
 * signatures. In a cluster of more than 64 texts sharing one band, a text is paired with the 64
 * earliest only (its other bands still pair it with the rest).
 */

export interface SpillDedupOptions {
  threshold: number;
  seed: number;
  numPerm?: number;
  shingle?: number;
  /** records expected (an artifact's count): sizes the partitions */
  expected: number;
}

export type SpillVerdict = 'kept' | 'excluded' | 'duplicate';

const ENTRY = 12; // float64 band key + uint32 position
const ENTRIES_PER_PARTITION = 1 << 18;
const FLUSH_BYTES = 1 << 16;
const MAX_EARLIER = 64;

/** Growable (later, earlier) position pairs in typed arrays: 8 bytes a candidate pair. */
class PairList {
  later = new Uint32Array(1024);
  earlier = new Uint32Array(1024);
  length = 0;
  push(later: number, earlier: number): void {
    if (this.length === this.later.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.later = grow(this.later);
      this.earlier = grow(this.earlier);
    }
    this.later[this.length] = later;
    this.earlier[this.length++] = earlier;
  }
  /** Pair indices by later, then earlier: pass 3 walks them as the records stream by. */
  sorted(): Uint32Array {
    const { later, earlier } = this;
    return Uint32Array.from({ length: this.length }, (_, i) => i).sort(
      (a, b) => later[a]! - later[b]! || earlier[a]! - earlier[b]!,
    );
  }
}

class Appender {
  private buf = Buffer.alloc(FLUSH_BYTES);
  private len = 0;
  constructor(readonly file: FileHandle) {}
  async write(bytes: Uint8Array): Promise<void> {
    if (this.len + bytes.length > this.buf.length) await this.flush();
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }
  async flush(): Promise<void> {
    if (this.len) await this.file.write(this.buf, 0, this.len);
    this.len = 0;
  }
}

const bit = (bits: Uint8Array, i: number) => ((bits[i >> 3] as number) >> (i & 7)) & 1;
const setBit = (bits: Uint8Array, i: number) =>
  void (bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7)));

/**
 * Yields every record of `records()` (opened twice) with its verdict, in order. `exclude` marks
 * records that are dropped for another reason (decontamination): they are neither kept nor
 * anyone's duplicate-of, as in the in-memory index, and it is called once per record.
 */
export async function* spillDedup<T>(
  records: () => AsyncIterable<T>,
  textOf: (r: T) => string,
  exclude: (r: T) => boolean,
  opts: SpillDedupOptions,
): AsyncGenerator<{ record: T; verdict: SpillVerdict }> {
  const numPerm = opts.numPerm ?? 128;
  const sigBytes = numPerm * 4;
  const { bands, rows } = lshBands(numPerm, opts.threshold);
  const partitions = Math.max(1, Math.ceil((Math.max(opts.expected, 1) * bands) / ENTRIES_PER_PARTITION));
  const dir = await mkdtemp(join(tmpdir(), 'drill-dedup-'));
  const files: FileHandle[] = [];
  try {
    // pass 1
    const sigFile = await open(join(dir, 'signatures.bin'), 'w+');
    files.push(sigFile);
    const sigs = new Appender(sigFile);
    const parts: Appender[] = [];
    for (let p = 0; p < partitions; p++) {
      const f = await open(join(dir, `part-${p}.bin`), 'w');
      files.push(f);
      parts.push(new Appender(f));
    }
    let excluded: Uint8Array = new Uint8Array(Math.ceil(Math.max(opts.expected, 1) / 8));
    const entry = Buffer.alloc(ENTRY);
    const blank = new Uint8Array(sigBytes);
    let n = 0;
    for await (const r of records()) {
      if (n >> 3 >= excluded.length) excluded = grow(excluded);
      if (exclude(r)) {
        setBit(excluded, n);
        await sigs.write(blank);
      } else {
        const sig = minhashSignature(textOf(r), { numPerm, shingle: opts.shingle }, opts.seed);
        await sigs.write(new Uint8Array(sig.buffer, sig.byteOffset, sigBytes));
        for (const key of lshBandKeys(sig, rows, bands)) {
          entry.writeDoubleLE(key, 0);
          entry.writeUInt32LE(n, 8);
          await (parts[key % partitions] as Appender).write(entry);
        }
      }
      n++;
    }
    await sigs.flush();
    for (const p of parts) await p.flush();

    // pass 2: (later, earlier) pairs of texts sharing a band key, sorted by later then earlier
    const pairs = new PairList();
    for (let p = 0; p < partitions; p++) {
      const bytes = await readFile(join(dir, `part-${p}.bin`));
      const byKey = new Map<number, number | number[]>();
      for (let off = 0; off + ENTRY <= bytes.length; off += ENTRY) {
        const key = bytes.readDoubleLE(off);
        const pos = bytes.readUInt32LE(off + 8);
        const had = byKey.get(key);
        if (had === undefined) byKey.set(key, pos);
        else if (typeof had === 'number') byKey.set(key, [had, pos]);
        else had.push(pos);
      }
      for (const members of byKey.values()) {
        if (typeof members === 'number') continue;
        // positions were appended in order; a huge cluster pairs each text with its earliest ones only
        for (let k = 1; k < members.length; k++)
          for (let e = 0; e < Math.min(k, MAX_EARLIER); e++) pairs.push(members[k]!, members[e]!);
      }
    }
    const order = pairs.sorted();

    // pass 3
    const kept = new Uint8Array(excluded.length);
    const readSig = async (pos: number) => {
      const buf = Buffer.alloc(sigBytes);
      await sigFile.read(buf, 0, sigBytes, pos * sigBytes);
      return new Uint32Array(buf.buffer, buf.byteOffset, numPerm);
    };
    let pos = 0;
    let cursor = 0;
    for await (const r of records()) {
      const i = pos++;
      if (bit(excluded, i)) {
        yield { record: r, verdict: 'excluded' };
        continue;
      }
      let dup = false;
      let sig: Uint32Array | undefined;
      let last = -1;
      for (; cursor < order.length && pairs.later[order[cursor]!] === i; cursor++) {
        const m = pairs.earlier[order[cursor]!]!;
        if (dup || m === last || !bit(kept, m)) continue;
        last = m;
        sig ??= await readSig(i);
        dup = estimatedJaccard(sig, await readSig(m)) >= opts.threshold;
      }
      if (!dup) setBit(kept, i);
      yield { record: r, verdict: dup ? 'duplicate' : 'kept' };
    }
  } finally {
    for (const f of files) await f.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

function grow(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  out.set(bits);
  return out;
}
