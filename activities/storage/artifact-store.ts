import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { ArtifactRef, RecordSchemaName } from '../../schemas/artifact.js';
import {
  byteStream,
  decodeJsonl,
  encodeJsonl,
  hashed,
  jsonText,
  readAllHashed,
  sha256Hasher,
  verifyDigest,
} from './jsonl.js';
import { assertKey, assertPrefix } from './keys.js';
import { fileChunks, writeFileAtomic } from './local-files.js';
import { ArtifactFormatError, type ArtifactStore } from './store.js';

/** What a backend (a folder, a bucket) provides: moving bytes. Keys arrive already validated. */
export interface ByteBackend {
  uriFor(key: string): string;
  /** Stores all of body under key atomically; resolves once it is durable and visible. */
  put(key: string, body: Readable): Promise<void>;
  openUri(uri: string): Promise<Readable>;
  getText(key: string): Promise<string | undefined>;
  putText(key: string, text: string, ifAbsent: boolean): Promise<boolean>;
  list(prefix: string): Promise<string[]>;
}

/** The ArtifactStore of a backend: refs, hashing, JSONL and verification, written once for all backends. */
export function createArtifactStore(backend: ByteBackend): ArtifactStore {
  async function putHashed(
    key: string,
    chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    schema: RecordSchemaName,
    count: () => number,
  ): Promise<ArtifactRef> {
    assertKey(key);
    const hash = sha256Hasher();
    await backend.put(key, byteStream(hashed(chunks, hash)));
    return { uri: backend.uriFor(key), sha256: hash.digest('hex'), count: count(), schema };
  }

  return {
    uriFor(key) {
      assertKey(key);
      return backend.uriFor(key);
    },

    writeJsonl(key, records, schema) {
      const { chunks, count } = encodeJsonl(records);
      return putHashed(key, chunks, schema, count);
    },

    async writeJson(key, value, schema) {
      return putHashed(key, [Buffer.from(jsonText(value, key) + '\n')], schema, () => 1);
    },

    writeText(key, text, schema) {
      return putHashed(key, [Buffer.from(text)], schema, () => 1);
    },

    putFile(key, localPath, schema, count) {
      // Not fs.createReadStream: it opens at once, and a write failing before reading would keep the descriptor.
      return putHashed(key, fileChunks(localPath), schema, () => count);
    },

    async *readJsonl(ref) {
      yield* decodeJsonl(await backend.openUri(ref.uri), ref);
    },

    async readJson(ref) {
      const { bytes, sha256 } = await readAllHashed(await backend.openUri(ref.uri));
      verifyDigest(ref, sha256, 1);
      try {
        return JSON.parse(bytes.toString('utf8')) as unknown;
      } catch (err) {
        throw new ArtifactFormatError(`${ref.uri}: not valid JSON (${(err as Error).message})`);
      }
    },

    async getFile(ref, localPath) {
      const hash = sha256Hasher();
      const source = await backend.openUri(ref.uri);
      try {
        await writeFileAtomic(resolve(localPath), byteStream(hashed(source, hash)), {
          beforeCommit: () => verifyDigest(ref, hash.digest('hex'), ref.count),
        });
      } finally {
        // A write that fails before reading (a bad local path) would leave an S3 response unread.
        source.destroy();
      }
    },

    openUri(uri) {
      return backend.openUri(uri);
    },

    async getText(key) {
      assertKey(key);
      return backend.getText(key);
    },

    async putText(key, text, opts) {
      assertKey(key);
      return backend.putText(key, text, opts?.ifAbsent ?? false);
    },

    async list(prefix) {
      assertPrefix(prefix);
      return backend.list(prefix);
    },
  };
}
