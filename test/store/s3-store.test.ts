import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  paginateListObjectsV2,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createS3Client, createS3Store } from '../../activities/storage/s3-store.js';
import { storeSuite } from './suite.js';
import { s3TestEnv } from './s3-env.js';

const PART_MIB = 5;

storeSuite('s3:// (SeaweedFS from infra/stack.sh)', async () => {
  const env = s3TestEnv();
  const prefix = `test-runs/store-${randomUUID()}`;
  const client = createS3Client(env);
  const Bucket = env.bucket;
  const objectKey = (key: string): string => `${prefix}/${key}`;

  async function openUploads(): Promise<{ Key: string; UploadId: string }[]> {
    const out = await client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: `${prefix}/` }));
    return (out.Uploads ?? []).map((u) => ({ Key: u.Key ?? '', UploadId: u.UploadId ?? '' }));
  }

  return {
    store: createS3Store({ ...env, prefix, partSizeMiB: PART_MIB }),
    async rawPut(key, bytes) {
      await client.send(new PutObjectCommand({ Bucket, Key: objectKey(key), Body: bytes }));
    },
    async waitInFlight(key) {
      // A part already uploaded into an open multipart upload: bytes left, object not yet there.
      while (!(await openUploads()).some((u) => u.Key === objectKey(key))) await sleep(20);
    },
    leftovers: async () => (await openUploads()).map((u) => u.Key),
    async assertMultipart(key) {
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: objectKey(key) }));
      // A multipart object's ETag is "<md5 of part md5s>-<parts>".
      assert.match(head.ETag ?? '', /-\d+"?$/, `ETag ${head.ETag} is not a multipart ETag`);
    },
    partBytes: PART_MIB * 1024 * 1024,
    async close() {
      for (const upload of await openUploads()) {
        await client.send(new AbortMultipartUploadCommand({ Bucket, ...upload }));
      }
      for await (const page of paginateListObjectsV2({ client }, { Bucket, Prefix: `${prefix}/` })) {
        const objects = (page.Contents ?? []).map((o) => ({ Key: o.Key }));
        if (objects.length)
          await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects } }));
      }
      client.destroy();
    },
  };
});
