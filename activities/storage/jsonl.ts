import { createHash, type Hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { ArtifactFormatError, ArtifactIntegrityError } from './store.js';

/**
 * The byte-level rules every backend shares: how records become JSONL, how bytes are hashed on
 * their way through, and how a read is checked against its ref. Backends only move bytes.
 */

/** Lines are batched into chunks of about this size, so a million small records are not a million writes. */
const CHUNK_BYTES = 64 * 1024;

export interface Expected {
  uri: string;
  sha256: string;
  count: number;
}

/** Passes chunks through unchanged, feeding each to hash on the way. */
export async function* hashed(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  hash: Hash,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

/** A byte stream (not object mode) over chunks, as S3 uploads and file writes expect. */
export function byteStream(chunks: AsyncIterable<Uint8Array>): Readable {
  return Readable.from(chunks, { objectMode: false });
}

export function sha256Hasher(): Hash {
  return createHash('sha256');
}

/** JSONL bytes of records, one JSON value per line; count() is the number of records so far. */
export function encodeJsonl(records: AsyncIterable<unknown> | Iterable<unknown>): {
  chunks: AsyncGenerator<Buffer>;
  count: () => number;
} {
  let count = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    let pending = '';
    for await (const record of records) {
      pending += jsonText(record, `record ${count}`) + '\n';
      count += 1;
      if (pending.length >= CHUNK_BYTES) {
        yield Buffer.from(pending);
        pending = '';
      }
    }
    if (pending) yield Buffer.from(pending);
  }
  return { chunks: chunks(), count: () => count };
}

/** One-line JSON of value; what names the value in errors (e.g. "record 12"). */
export function jsonText(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new ArtifactFormatError(`${what}: cannot be written as JSON (${(err as Error).message})`);
  }
  // JSON.stringify returns undefined for undefined, functions and symbols: there is nothing to write.
  if (text === undefined) throw new ArtifactFormatError(`${what}: ${typeof value} is not JSON`);
  return text;
}

export function verifyDigest(expected: Expected, sha256: string, count: number): void {
  if (sha256 !== expected.sha256) {
    throw new ArtifactIntegrityError(
      `${expected.uri}: content sha256 ${sha256} does not match the ref's ${expected.sha256} (changed or truncated since it was written)`,
    );
  }
  if (count !== expected.count) {
    throw new ArtifactIntegrityError(
      `${expected.uri}: holds ${count} records, the ref says ${expected.count}`,
    );
  }
}

/**
 * Parses the JSONL bytes of source line by line, hashing as it reads; after the last record it
 * throws ArtifactIntegrityError if the bytes are not the ones the ref names. Blank lines are
 * skipped; a line may end in \r\n. Lines are split here rather than by node:readline, whose
 * per-line events and promises cost more than the JSON parsing itself on a million-line batch.
 */
export async function* decodeJsonl(source: Readable, expected: Expected): AsyncGenerator<unknown> {
  const hash = sha256Hasher();
  const decoder = new StringDecoder('utf8');
  let lineNumber = 0;
  let count = 0;
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch (err) {
      throw new ArtifactFormatError(
        `${expected.uri}: line ${lineNumber} is not valid JSON (${(err as Error).message})`,
      );
    }
  };
  let rest = '';
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      hash.update(chunk);
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        const line = text.slice(start, end);
        start = end + 1;
        lineNumber += 1;
        if (line.trim() === '') continue;
        count += 1;
        yield parse(line);
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    lineNumber += 1;
    if (rest.trim() !== '') {
      count += 1;
      yield parse(rest);
    }
  } finally {
    // Also on an early stop (a bad line, or the consumer breaking off): release the file or HTTP
    // connection. Reading is over, so errors from tearing the stream down are of no interest.
    source.on('error', () => undefined).destroy();
  }
  verifyDigest(expected, hash.digest('hex'), count);
}

/** All bytes of a (small) object, with their sha256. */
export async function readAllHashed(source: Readable): Promise<{ bytes: Buffer; sha256: string }> {
  const hash = sha256Hasher();
  const parts: Uint8Array[] = [];
  for await (const chunk of hashed(source, hash)) parts.push(chunk);
  return { bytes: Buffer.concat(parts), sha256: hash.digest('hex') };
}
