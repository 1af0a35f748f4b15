import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactRef, RecordSchemaName } from '../../schemas/artifact.js';
import { hashed, sha256Hasher, verifyDigest } from '../storage/jsonl.js';
import type { ArtifactStore } from '../storage/store.js';
import { linesOf, type PartIndex } from './part-layout.js';

/** Bytes read from the spool at once when copying lines out in input order. */
const READ_BYTES = 1 << 20;

/**
 * Writes the parts' lines in input order as one artifact, named `<name>.<sha256 prefix>.jsonl`:
 * by content, because two attempts running at once (a timed-out one still alive) may each join
 * a different copy of a line, and neither may overwrite the artifact the other returned. The parts hold results in
 * the order calls finished; their bytes are copied, never parsed again, so memory stays flat
 * however large the result (12 bytes a line for where each line lies). Two passes through local
 * temp files: the parts are spooled in index order, each checked against its ref's sha256 on the
 * way, noting each line's byte range; then the ranges are copied out in input order, runs of
 * consecutive ranges in one read (finished lines are mostly near input order). The first part
 * holding a line wins: a line two attempts both wrote is taken once.
 */
export async function joinParts(
  store: ArtifactStore,
  indexes: PartIndex[],
  total: number,
  name: string,
  schema: RecordSchemaName,
): Promise<ArtifactRef> {
  const dir = await mkdtemp(join(tmpdir(), 'drill-join-'));
  try {
    const spool = join(dir, 'parts.jsonl');
    const where = new LineRanges(total);
    await pipeline(spooled(store, indexes, where), createWriteStream(spool));
    const missing = where.firstMissing();
    if (missing !== undefined) throw new Error(`${name}: line ${missing + 1} of ${total} is in no part`);
    const joined = join(dir, 'joined.jsonl');
    const hash = sha256Hasher();
    await pipeline(hashed(inOrder(spool, where), hash), createWriteStream(joined));
    return await store.putFile(`${name}.${hash.digest('hex').slice(0, 16)}.jsonl`, joined, schema, total);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Where each input line's bytes lie in the spool; length 0 means not seen yet. */
class LineRanges {
  readonly start: Float64Array;
  readonly length: Uint32Array;

  constructor(readonly total: number) {
    this.start = new Float64Array(total);
    this.length = new Uint32Array(total);
  }

  /** Records the first range seen for line. */
  note(line: number, start: number, length: number): void {
    if (line >= this.total) throw new Error(`a part lists line ${line + 1} of a batch of ${this.total}`);
    if (this.length[line] !== 0) return;
    this.start[line] = start;
    this.length[line] = length;
  }

  firstMissing(): number | undefined {
    const k = this.length.indexOf(0);
    return k === -1 ? undefined : k;
  }
}

/** The parts' bytes in index order, verified, noting where each line lies. */
async function* spooled(
  store: ArtifactStore,
  indexes: PartIndex[],
  where: LineRanges,
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (const { part, lines } of indexes) {
    const hash = sha256Hasher();
    const source: Readable = await store.openUri(part.uri);
    const order = linesOf(lines);
    let lineStart = offset;
    for await (const chunk of hashed(source, hash)) {
      const bytes = chunk as Buffer;
      for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, nl + 1)) {
        const end = offset + nl + 1;
        const line = order.next();
        if (line.done) throw new Error(`${part.uri}: more lines than its index lists`);
        where.note(line.value, lineStart, end - lineStart);
        lineStart = end;
      }
      offset += bytes.length;
      yield bytes;
    }
    verifyDigest(part, hash.digest('hex'), part.count);
    if (lineStart !== offset || !order.next().done)
      throw new Error(`${part.uri}: fewer lines than its index lists`);
  }
}

/** Every line's bytes from the spool, in input order. */
async function* inOrder(spool: string, where: LineRanges): AsyncGenerator<Uint8Array> {
  const file = await open(spool, 'r');
  try {
    const { start, length, total } = where;
    let line = 0;
    while (line < total) {
      // One read for a run of lines lying back to back in the spool, up to READ_BYTES.
      const from = start[line]!;
      let bytes = length[line]!;
      let next = line + 1;
      while (next < total && start[next] === from + bytes && bytes + length[next]! <= READ_BYTES) {
        bytes += length[next]!;
        next += 1;
      }
      const buffer = Buffer.allocUnsafe(bytes);
      const { bytesRead } = await file.read(buffer, 0, bytes, from);
      if (bytesRead !== bytes) throw new Error(`${spool}: short read at byte ${from}`);
      yield buffer;
      line = next;
    }
  } finally {
    await file.close();
  }
}
