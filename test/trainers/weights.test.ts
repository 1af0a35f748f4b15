/**
 * trainers/common/weights.py against the dev stack's real S3 server, every request counted by a
 * relay (s3-relay.ts): base weights in the store are copied to a machine once — also when two jobs
 * start together, or when the first copy was killed midway — and nothing a job already uploaded is
 * sent or trained again on a retry.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { s3TestEnv } from '../store/s3-env.js';
import { startS3Relay, type S3Relay } from './s3-relay.js';

const env = s3TestEnv();
const dir = mkdtempSync(join(tmpdir(), 'drill-weights-'));
const prefix = `test-weights-${randomBytes(4).toString('hex')}`;
const baseUri = `s3://${env.bucket}/${prefix}/base/weights/`;
const MiB = 1024 * 1024;
/** A weights folder: the manifest lists files sorted, so the copy fetches them in this order. */
const files: Record<string, Buffer> = {
  'config.json': Buffer.from('{"model_type": "qwen2"}'),
  'model-00001.safetensors': randomBytes(2 * MiB),
  'model-00002.safetensors': randomBytes(2 * MiB),
};
let relay: S3Relay;

const storeConfig = () => JSON.stringify({ kind: 's3', bucket: env.bucket, endpoint: relay.url });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** resolve_base in a job whose user cache is `cache`; killOn: SIGKILL it at that request. */
const resolveBase = (cache: string, killOn?: (key: string) => boolean) =>
  relay.python(
    'import json; from common.store import Store; from common.weights import resolve_base; ' +
      'resolve_base(Store(json.loads(sys.argv[1])), {"name": "base", "weightsUri": sys.argv[2]})',
    [storeConfig(), baseUri],
    { env: { XDG_CACHE_HOME: cache }, killOn: killOn && ((r) => killOn(r.key)) },
  );

/** How often each weights file was downloaded, by the requests the relay saw. */
const downloads = () => {
  const counts: Record<string, number> = {};
  for (const r of relay.seen)
    if (r.method === 'GET' && r.key.startsWith(`${prefix}/base/weights/`))
      counts[r.key.split('/').pop()!] = (counts[r.key.split('/').pop()!] ?? 0) + 1;
  return counts;
};

/** The copies in a cache: folder name → its files' sha256s. */
function cached(cache: string): Record<string, Record<string, string>> {
  const root = join(cache, 'drillmaster', 'weights');
  const out: Record<string, Record<string, string>> = {};
  for (const d of readdirSync(root).filter((n) => !n.endsWith('.lock'))) {
    out[d] = {};
    for (const f of readdirSync(join(root, d)).filter((n) => !n.startsWith('.')))
      out[d][f] = sha(readFileSync(join(root, d, f)));
  }
  return out;
}

const expected = Object.fromEntries(Object.entries(files).map(([f, b]) => [f, sha(b)]));

before(async () => {
  relay = await startS3Relay();
  const local = join(dir, 'base');
  mkdirSync(local);
  for (const [f, b] of Object.entries(files)) writeFileSync(join(local, f), b);
  const put = await relay.python(
    'import json; from common.store import Store; Store(json.loads(sys.argv[1])).put_folder(sys.argv[2], sys.argv[3])',
    [storeConfig(), local, baseUri],
  );
  assert.equal(put, 0);
});
after(() => {
  relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

void describe('base weights are never copied twice', () => {
  void it('two jobs starting together on one machine download the folder once', async () => {
    const cache = join(dir, 'cache-together');
    relay.reset();
    assert.deepEqual(await Promise.all([resolveBase(cache), resolveBase(cache)]), [0, 0]);
    assert.deepEqual(downloads(), {
      'manifest.json': 2,
      'config.json': 1,
      'model-00001.safetensors': 1,
      'model-00002.safetensors': 1,
    });
    assert.deepEqual(Object.values(cached(cache)), [expected]);
  });

  void it('one job at a time: the second finds the copy and downloads only the manifest', async () => {
    const cache = join(dir, 'cache-sequential');
    relay.reset();
    assert.equal(await resolveBase(cache), 0);
    assert.deepEqual(downloads(), {
      'manifest.json': 1,
      'config.json': 1,
      'model-00001.safetensors': 1,
      'model-00002.safetensors': 1,
    });
    relay.reset();
    assert.equal(await resolveBase(cache), 0);
    assert.deepEqual(downloads(), { 'manifest.json': 1 });
  });

  void it('a copy killed midway keeps the files it has: the next job fetches only the rest', async () => {
    const cache = join(dir, 'cache-killed');
    const killed = await resolveBase(cache, (key) => key.endsWith('model-00002.safetensors'));
    assert.equal(killed, null);
    relay.reset();
    assert.equal(await resolveBase(cache), 0);
    assert.deepEqual(downloads(), { 'manifest.json': 1, 'model-00002.safetensors': 1 });
    assert.deepEqual(Object.values(cached(cache)), [expected]);
  });
});

void describe('nothing a job already uploaded is sent again', () => {
  void it('publishing the same folder again only checks each object', async () => {
    relay.reset();
    assert.equal(
      await relay.python(
        'import json; from common.store import Store; Store(json.loads(sys.argv[1])).put_folder(sys.argv[2], sys.argv[3])',
        [storeConfig(), join(dir, 'base'), baseUri],
      ),
      0,
    );
    assert.deepEqual([...new Set(relay.seen.map((r) => r.method))], ['HEAD']);
  });

  void it('a retried job whose checkpoint is already published exits without training or writing', async () => {
    const outputUri = `s3://${env.bucket}/${prefix}/jobs/run-r0-sft-0123456789/`;
    const checkpoint = {
      name: 'x',
      weightsUri: `${outputUri}weights/`,
      parent: 'base',
      stage: 'sft',
      simulated: false,
    };
    assert.equal(
      await relay.python(
        'import json; from common.store import Store; Store(json.loads(sys.argv[1])).put_json(sys.argv[2], json.loads(sys.argv[3]))',
        [storeConfig(), `${outputUri}checkpoint.json`, JSON.stringify(checkpoint)],
      ),
      0,
    );
    const data = join(dir, 'sft.jsonl');
    writeFileSync(data, '{"messages": []}\n');
    const spec = {
      name: 'run-r0-sft-0123456789',
      kind: 'sft',
      base: { name: 'base', weightsUri: baseUri, parent: null, stage: 'base', simulated: false },
      inputs: {
        train: { uri: `file://${data}`, sha256: sha(readFileSync(data)), count: 1, schema: 'SftExample' },
      },
      outputUri,
      store: JSON.parse(storeConfig()) as object,
      recipe: {},
      resources: { nodes: 1, gpusPerNode: 0 },
      seed: 0,
    };
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const started = Date.now();
    relay.reset();
    assert.equal(
      await relay.python(
        'import runpy; sys.argv = ["sft.py", sys.argv[1]]; runpy.run_path("trainers/sft.py", run_name="__main__")',
        [specPath],
      ),
      0,
    );
    assert.deepEqual(
      relay.seen.map((r) => `${r.method} ${r.key.split('/').pop()}`),
      ['HEAD checkpoint.json'],
      'only the check: no input read, no base copied, nothing written',
    );
    console.log(`[weights] published job's retry exited in ${Date.now() - started} ms`);
  });
});
