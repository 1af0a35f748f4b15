import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeleteObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { StoreConfig } from '../../schemas/config.js';
import { createStore } from '../../activities/storage/index.js';
import { createS3Client } from '../../activities/storage/s3-store.js';
import { s3TestEnv } from './s3-env.js';

void describe('createStore', () => {
  void it('builds a file store rooted at config.root', async () => {
    const root = await mkdtemp(join(tmpdir(), 'drill-create-store-'));
    try {
      const store = createStore(StoreConfig.parse({ kind: 'file', root }), {});
      const ref = await store.writeJson('a/b.json', { x: 1 }, 'EvalReport');
      assert.equal(ref.uri, `file://${root}/a/b.json`);
      assert.equal(await readFile(join(root, 'a', 'b.json'), 'utf8'), '{"x":1}\n');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  void it('names the environment variable that is missing, never asking for a value in the config', () => {
    const config = StoreConfig.parse({
      kind: 's3',
      bucket: 'drillmaster',
      secretAccessKeyEnv: 'DRILL_TEST_SECRET',
    });
    assert.throws(
      () => createStore(config, { AWS_ACCESS_KEY_ID: 'id' }),
      /environment variable DRILL_TEST_SECRET/,
    );
    assert.throws(
      () => createStore(config, { DRILL_TEST_SECRET: 's' }),
      /environment variable AWS_ACCESS_KEY_ID/,
    );
  });

  void it('builds an s3 store from config and env that round-trips against the dev server', async () => {
    const env = s3TestEnv();
    const prefix = `test-runs/create-${randomUUID()}`;
    const config = StoreConfig.parse({ kind: 's3', bucket: env.bucket, prefix, endpoint: env.endpoint });
    const store = createStore(config);
    const ref = await store.writeJsonl('x.jsonl', [{ a: 1 }], 'Problem');
    assert.equal(ref.uri, `s3://${env.bucket}/${prefix}/x.jsonl`);
    const back: unknown[] = [];
    for await (const record of store.readJsonl(ref)) back.push(record);
    assert.deepEqual(back, [{ a: 1 }]);
    const client = createS3Client(env);
    await client.send(new DeleteObjectCommand({ Bucket: env.bucket, Key: `${prefix}/x.jsonl` }));
    client.destroy();
  });

  void it('is refused by the dev server with a wrong secret: requests are signed and checked', async () => {
    const env = s3TestEnv();
    const config = StoreConfig.parse({
      kind: 's3',
      bucket: env.bucket,
      prefix: 'test-runs/denied',
      endpoint: env.endpoint,
    });
    const store = createStore(config, {
      AWS_ACCESS_KEY_ID: env.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: 'wrong',
    });
    await assert.rejects(
      store.putText('never', 'x'),
      (err: unknown) => err instanceof S3ServiceException && err.$metadata.httpStatusCode === 403,
    );
  });
});
