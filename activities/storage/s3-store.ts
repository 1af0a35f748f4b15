import {
  GetObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { createArtifactStore, type ByteBackend } from './artifact-store.js';
import { openFileUri } from './local-files.js';
import { ArtifactNotFoundError, type ArtifactStore } from './store.js';

export interface S3StoreOptions {
  bucket: string;
  /** Folder inside the bucket; '' for the bucket root. */
  prefix: string;
  /** S3-compatible server (SeaweedFS, MinIO); undefined for AWS. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** undefined: the SDK's default chain (instance roles and the like). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  partSizeMiB: number;
}

/** Parts in flight per upload: memory per upload is bounded by this times the part size. */
const UPLOAD_QUEUE_SIZE = 4;

function status(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

/** s3://bucket/key → { bucket, key }. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new Error(`${uri}: not an s3://bucket/key URI`);
  return { bucket: match[1], key: match[2] };
}

export function createS3Client(opts: Omit<S3StoreOptions, 'bucket' | 'prefix' | 'partSizeMiB'>): S3Client {
  return new S3Client({
    endpoint: opts.endpoint,
    region: opts.region,
    forcePathStyle: opts.forcePathStyle,
    credentials: opts.credentials,
  });
}

/** A store in a bucket: key "a/b.jsonl" is the object <prefix>/a/b.jsonl. */
export function createS3Store(opts: S3StoreOptions): ArtifactStore {
  const client = createS3Client(opts);
  const { bucket } = opts;
  const root = opts.prefix.replace(/\/+$/, '');
  const objectKey = (key: string): string => (root ? `${root}/${key}` : key);

  async function getObject(uri: string, target: { bucket: string; key: string }): Promise<Readable> {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: target.key }));
      // In Node the SDK's body is an http.IncomingMessage, a Readable.
      return out.Body as Readable;
    } catch (err) {
      if (status(err) === 404) throw new ArtifactNotFoundError(`${uri}: no such object`);
      throw err;
    }
  }

  const backend: ByteBackend = {
    uriFor: (key) => `s3://${bucket}/${objectKey(key)}`,

    async put(key, body) {
      // Objects under one part go up in a single PutObject; larger ones in parts, completed atomically.
      await new Upload({
        client,
        params: { Bucket: bucket, Key: objectKey(key), Body: body },
        partSize: opts.partSizeMiB * 1024 * 1024,
        queueSize: UPLOAD_QUEUE_SIZE,
        leavePartsOnError: false,
      }).done();
    },

    async openUri(uri) {
      if (uri.startsWith('file://')) return openFileUri(uri);
      return getObject(uri, parseS3Uri(uri));
    },

    async getText(key) {
      try {
        const body = await getObject(backend.uriFor(key), { bucket, key: objectKey(key) });
        const parts: Buffer[] = [];
        for await (const chunk of body) parts.push(chunk as Buffer);
        return Buffer.concat(parts).toString('utf8');
      } catch (err) {
        if (err instanceof ArtifactNotFoundError) return undefined;
        throw err;
      }
    },

    async putText(key, text, ifAbsent) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: objectKey(key),
            Body: text,
            ...(ifAbsent ? { IfNoneMatch: '*' } : {}),
          }),
        );
        return true;
      } catch (err) {
        // 412: the key exists. 409: a concurrent conditional write won the race (AWS).
        if (ifAbsent && (status(err) === 412 || status(err) === 409)) return false;
        throw err;
      }
    },

    async list(prefix) {
      const keys: string[] = [];
      const strip = root ? root.length + 1 : 0;
      for await (const page of paginateListObjectsV2(
        { client },
        { Bucket: bucket, Prefix: objectKey(prefix) },
      )) {
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(strip));
      }
      return keys.sort();
    },
  };
  return createArtifactStore(backend);
}
