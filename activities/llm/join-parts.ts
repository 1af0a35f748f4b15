import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactRef, RecordSchemaName } from '../../schemas/artifact.js';
import { hashed, sha256Hasher, verifyDigest } from '../storage/jsonl.js';
import type { ArtifactStore } from '../storage/store.js';

/**
 * Writes the parts' bytes, in order, as one artifact under key. The parts are JSONL this layer
 * wrote, so their lines are copied, not parsed again: memory stays flat however large the
 * result. Each part is checked against its ref's sha256 on the way. The store takes whole
 * files or records, not byte streams, so the bytes pass through a local temp file.
 */
export async function joinParts(
  store: ArtifactStore,
  parts: ArtifactRef[],
  key: string,
  schema: RecordSchemaName,
): Promise<ArtifactRef> {
  const dir = await mkdtemp(join(tmpdir(), 'drill-join-'));
  try {
    const file = join(dir, 'joined.jsonl');
    await pipeline(verifiedBytes(store, parts), createWriteStream(file));
    const count = parts.reduce((sum, part) => sum + part.count, 0);
    return await store.putFile(key, file, schema, count);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function* verifiedBytes(store: ArtifactStore, parts: ArtifactRef[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    const hash = sha256Hasher();
    const source: Readable = await store.openUri(part.uri);
    yield* hashed(source, hash);
    verifyDigest(part, hash.digest('hex'), part.count);
  }
}
