/**
 * The trainers' resumable multipart upload (trainers/common/store.py) against the dev stack's real
 * S3 server. Every request of the Python uploader goes through an HTTP relay that counts them and,
 * on the first run, SIGKILLs the uploader the moment it sends a chosen part: the parts before it
 * are on the server, the rest never left. A second run must send only the missing parts and end
 * with the file's bytes and sha256; an unfinished upload of other content to the same key must not
 * be resumed (the object would carry that content's sha256).
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { s3TestEnv } from '../store/s3-env.js';
import { startS3Relay, type S3Relay } from './s3-relay.js';

const env = s3TestEnv();
const s3 = new S3Client(env);
const MiB = 1024 * 1024;
/** The store's smallest part size (schemas/config.ts partSizeMiB, S3's 5 MiB minimum). */
const PART_MIB = 5;
const dir = mkdtempSync(join(tmpdir(), 'drill-upload-'));
const prefix = `test-upload-${randomBytes(4).toString('hex')}`;
let relay: S3Relay;

before(async () => {
  relay = await startS3Relay();
});
after(() => {
  relay?.close();
  s3.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** Store.put_file through the relay; killAtPart: SIGKILL the uploader when it sends that part. */
function upload(path: string, key: string, killAtPart?: number): Promise<number | null> {
  const store = { kind: 's3', bucket: env.bucket, endpoint: relay.url, partSizeMiB: PART_MIB };
  relay.reset();
  return relay.python(
    'import json; from common.store import Store; Store(json.loads(sys.argv[1])).put_file(sys.argv[2], sys.argv[3])',
    [JSON.stringify(store), path, `s3://${env.bucket}/${key}`],
    { killOn: (r) => killAtPart !== undefined && r.query.get('partNumber') === String(killAtPart) },
  );
}

const partsSent = () => relay.seen.filter((s) => s.method === 'PUT' && s.query.has('partNumber'));
const uploadsCreated = () => relay.seen.filter((s) => s.method === 'POST' && s.query.has('uploads'));

async function pendingUploads(key: string): Promise<string[]> {
  const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: env.bucket, Prefix: key }));
  return (out.Uploads ?? []).filter((u) => u.Key === key).map((u) => u.UploadId!);
}

async function partsOnServer(key: string, uploadId: string): Promise<number[]> {
  const out = await s3.send(new ListPartsCommand({ Bucket: env.bucket, Key: key, UploadId: uploadId }));
  return (out.Parts ?? []).map((p) => p.PartNumber!);
}

async function stored(key: string): Promise<{ sha256: string; metadata?: string }> {
  const body = await (
    await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }))
  ).Body!.transformToByteArray();
  const head = await s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
  return { sha256: createHash('sha256').update(body).digest('hex'), metadata: head.Metadata?.sha256 };
}

/** A file of three full parts and a short fourth. */
function file(name: string, bytes: Buffer = randomBytes(3 * PART_MIB * MiB + MiB)) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

void describe('resuming an interrupted multipart upload (trainers/common/store.py)', () => {
  void it('keeps the parts already on the server and sends only the rest', async () => {
    const key = `${prefix}/resume/model.safetensors`;
    const weights = file('weights.bin');
    assert.equal(await upload(weights.path, key, 3), null, 'the uploader was killed mid-upload');
    const [uploadId, ...others] = await pendingUploads(key);
    assert.ok(uploadId && others.length === 0, 'one unfinished upload');
    assert.deepEqual(await partsOnServer(key, uploadId), [1, 2]);

    assert.equal(await upload(weights.path, key), 0);
    assert.deepEqual(
      partsSent().map((s) => Number(s.query.get('partNumber'))),
      [3, 4],
      'parts 1 and 2 were not sent again',
    );
    assert.ok(
      partsSent().every((s) => s.query.get('uploadId') === uploadId),
      'the same upload resumed',
    );
    assert.equal(uploadsCreated().length, 0);
    assert.deepEqual(await stored(key), { sha256: weights.sha256, metadata: weights.sha256 });
    assert.deepEqual(await pendingUploads(key), []);

    // Uploading the same content again sends nothing but a HEAD.
    assert.equal(await upload(weights.path, key), 0);
    assert.deepEqual(
      relay.seen.map((s) => s.method),
      ['HEAD'],
    );
  });

  void it('does not resume an unfinished upload of other content to the same key', async () => {
    const key = `${prefix}/other/model.safetensors`;
    const first = file('first.bin');
    // Same first part, different rest: a resume by part MD5 alone would keep part 1 and finish
    // the object under the first content's sha256.
    const second = file(
      'second.bin',
      Buffer.concat([first.bytes.subarray(0, PART_MIB * MiB), randomBytes(2 * PART_MIB * MiB + MiB)]),
    );
    assert.equal(await upload(first.path, key, 3), null);
    const [abandoned] = await pendingUploads(key);
    assert.deepEqual(await partsOnServer(key, abandoned!), [1, 2]);

    assert.equal(await upload(second.path, key), 0);
    assert.equal(uploadsCreated().length, 1, 'a new upload');
    assert.deepEqual(
      partsSent().map((s) => Number(s.query.get('partNumber'))),
      [1, 2, 3, 4],
    );
    assert.ok(partsSent().every((s) => s.query.get('uploadId') !== abandoned));
    assert.deepEqual(await stored(key), { sha256: second.sha256, metadata: second.sha256 });
    assert.deepEqual(await pendingUploads(key), [], 'the abandoned upload was aborted');
  });
});
