import type { Readable } from 'node:stream';
import type { ArtifactRef, RecordSchemaName } from '../../schemas/artifact.js';

/**
 * The artifact store: `file://` (embedded default) or `s3://` (any S3-compatible server).
 * Keys are relative to the store's root (a folder, or bucket + prefix). Writes are atomic (a
 * reader never sees half an object) and every ref carries the sha256 of the bytes written;
 * reads through a ref verify it.
 */
export interface ArtifactStore {
  /** The URI a key maps to, e.g. file:///root/key or s3://bucket/prefix/key. */
  uriFor(key: string): string;

  /** Streams records out as JSONL (one JSON value per line); count = records written. */
  writeJsonl(
    key: string,
    records: AsyncIterable<unknown> | Iterable<unknown>,
    schema: RecordSchemaName,
  ): Promise<ArtifactRef>;

  /** One JSON value as the whole object (count 1). */
  writeJson(key: string, value: unknown, schema: RecordSchemaName): Promise<ArtifactRef>;

  /** A text document (e.g. an HTML report) as the whole object (count 1). */
  writeText(key: string, text: string, schema: RecordSchemaName): Promise<ArtifactRef>;

  /** Uploads a local file as-is (large files use multipart on S3). */
  putFile(key: string, localPath: string, schema: RecordSchemaName, count: number): Promise<ArtifactRef>;

  /**
   * Streams the JSONL records of a ref, parsed line by line; throws ArtifactIntegrityError after
   * the last line if the bytes do not hash to ref.sha256, and an error naming the line for bad JSON.
   */
  readJsonl(ref: ArtifactRef): AsyncIterable<unknown>;

  /** Reads and hash-verifies a single-object artifact. */
  readJson(ref: ArtifactRef): Promise<unknown>;

  /** Downloads an artifact to a local path, verifying the hash. */
  getFile(ref: ArtifactRef, localPath: string): Promise<void>;

  /** Raw byte stream of any URI this store can reach (no hash known yet: used to ingest inputs). */
  openUri(uri: string): Promise<Readable>;

  /** Small unverified text objects (manifests, markers): undefined when absent. */
  getText(key: string): Promise<string | undefined>;
  /** Atomic put; with ifAbsent, returns false (and writes nothing) when the key exists. */
  putText(key: string, text: string, opts?: { ifAbsent?: boolean }): Promise<boolean>;

  /** Keys (relative to the root) starting with prefix. */
  list(prefix: string): Promise<string[]>;
}

export class ArtifactIntegrityError extends Error {
  override name = 'ArtifactIntegrityError';
}

/** The URI names nothing (no such file or object). */
export class ArtifactNotFoundError extends Error {
  override name = 'ArtifactNotFoundError';
}

/** The bytes are not what the artifact's format requires (e.g. a JSONL line that is not JSON). */
export class ArtifactFormatError extends Error {
  override name = 'ArtifactFormatError';
}
