import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ArtifactRef } from '../../schemas/artifact.js';
import {
  ArtifactFormatError,
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  type ArtifactStore,
} from '../../activities/storage/index.js';

/** What a backend's test file provides to the shared behavioural suite. */
export interface Harness {
  store: ArtifactStore;
  /** Replaces the bytes under key behind the store's back (tampering, hand-made bad input). */
  rawPut(key: string, bytes: Buffer): Promise<void>;
  /** Resolves once some bytes of an unfinished write to key have left the process (temp file, uploaded part). */
  waitInFlight(key: string): Promise<void>;
  /** Debris of unfinished writes (temp files, open multipart uploads); must be empty when idle. */
  leftovers(): Promise<string[]>;
  /** Asserts the object under key was uploaded in parts (S3); the file store has nothing to assert. */
  assertMultipart?(key: string): Promise<void>;
  /** Byte size above which writes are multipart; the large-object test writes more than this. */
  partBytes: number;
  close(): Promise<void>;
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

async function collect(records: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const record of records) out.push(record);
  return out;
}

async function rawBytes(store: ArtifactStore, uri: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of await store.openUri(uri)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function refFor(store: ArtifactStore, key: string, bytes: Buffer | string, count: number): ArtifactRef {
  return { uri: store.uriFor(key), sha256: sha256(bytes), count, schema: 'Problem' };
}

/** Records of about lineBytes each, numbered, so a reader can check order and completeness. */
function* numbered(count: number, lineBytes = 100): Generator<{ i: number; pad: string }> {
  const pad = 'x'.repeat(Math.max(0, lineBytes - 20));
  for (let i = 0; i < count; i++) yield { i, pad };
}

export function storeSuite(name: string, open: () => Promise<Harness>): void {
  void describe(`ArtifactStore behaviour: ${name}`, () => {
    let h: Harness;
    let store: ArtifactStore;
    let scratch: string;
    before(async () => {
      h = await open();
      store = h.store;
      scratch = await mkdtemp(join(tmpdir(), 'drill-store-scratch-'));
    });
    after(async () => {
      await h.close();
      await rm(scratch, { recursive: true, force: true });
    });

    void it('round-trips JSONL with the count and the sha256 of exactly the bytes written', async () => {
      const records = [
        { id: 'p1', answer: '\\frac{1}{2}' },
        { id: 'p2', text: 'é ∑ 😀', n: [1, 2.5, null] },
        7,
      ];
      const expectedBytes =
        '{"id":"p1","answer":"\\\\frac{1}{2}"}\n{"id":"p2","text":"é ∑ 😀","n":[1,2.5,null]}\n7\n';
      const ref = await store.writeJsonl('rt/problems.jsonl', records, 'Problem');
      assert.deepEqual(ref, {
        uri: store.uriFor('rt/problems.jsonl'),
        sha256: sha256(Buffer.from(expectedBytes, 'utf8')),
        count: 3,
        schema: 'Problem',
      });
      assert.equal((await rawBytes(store, ref.uri)).toString('utf8'), expectedBytes);
      assert.deepEqual(await collect(store.readJsonl(ref)), records);
    });

    void it('streams records from an async generator across many chunks, in order', async () => {
      async function* gen(): AsyncGenerator<unknown> {
        yield* numbered(50_000);
      }
      const ref = await store.writeJsonl('rt/many.jsonl', gen(), 'Rollout');
      assert.equal(ref.count, 50_000);
      assert.equal(ref.sha256, sha256(await rawBytes(store, ref.uri)));
      let next = 0;
      for await (const record of store.readJsonl(ref)) {
        assert.equal((record as { i: number }).i, next++);
      }
      assert.equal(next, 50_000);
    });

    void it('lets a reader stop early without errors or leaks', async () => {
      const ref = await store.writeJsonl('rt/stop-early.jsonl', numbered(20_000), 'Rollout');
      for (let round = 0; round < 3; round++) {
        for await (const record of store.readJsonl(ref)) {
          assert.equal((record as { i: number }).i, 0);
          break;
        }
      }
    });

    void it('writes an empty dataset as zero bytes with count 0', async () => {
      const ref = await store.writeJsonl('rt/empty.jsonl', [], 'Problem');
      assert.equal(ref.count, 0);
      assert.equal(ref.sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      assert.deepEqual(await collect(store.readJsonl(ref)), []);
    });

    void it('round-trips a single JSON object with count 1', async () => {
      const value = { stage: 'sft', metrics: { accuracy: 0.625 }, tags: ['a', 'b'] };
      const ref = await store.writeJson('rt/report.json', value, 'EvalReport');
      assert.equal(ref.count, 1);
      assert.equal(ref.sha256, sha256(JSON.stringify(value) + '\n'));
      assert.deepEqual(await store.readJson(ref), value);
    });

    void it('refuses a record that has no JSON form, naming its index', async () => {
      await assert.rejects(store.writeJsonl('rt/bad-record.jsonl', [{ a: 1 }, undefined], 'Problem'), {
        name: 'ArtifactFormatError',
        message: /record 1: undefined is not JSON/,
      });
      assert.deepEqual(await store.list('rt/bad-record'), []);
    });

    void it('throws ArtifactIntegrityError after the last record when the bytes were changed', async () => {
      const ref = await store.writeJsonl('tamper/a.jsonl', [{ x: 1 }, { x: 2 }], 'Problem');
      await h.rawPut('tamper/a.jsonl', Buffer.from('{"x":1}\n{"x":3}\n'));
      const seen: unknown[] = [];
      await assert.rejects(
        (async () => {
          for await (const record of store.readJsonl(ref)) seen.push(record);
        })(),
        (err: unknown) => err instanceof ArtifactIntegrityError && err.message.includes(ref.uri),
      );
      assert.deepEqual(seen, [{ x: 1 }, { x: 3 }], 'every line is delivered before the integrity error');

      const jsonRef = await store.writeJson('tamper/b.json', { ok: true }, 'EvalReport');
      await h.rawPut('tamper/b.json', Buffer.from('{"ok":false}\n'));
      await assert.rejects(store.readJson(jsonRef), ArtifactIntegrityError);

      const target = join(scratch, 'tampered.jsonl');
      await assert.rejects(store.getFile(ref, target), ArtifactIntegrityError);
      await assert.rejects(readFile(target), { code: 'ENOENT' }, 'a failed download leaves no file');
    });

    void it('detects truncation', async () => {
      const ref = await store.writeJsonl('tamper/t.jsonl', [{ x: 1 }, { x: 2 }], 'Problem');
      await h.rawPut('tamper/t.jsonl', Buffer.from('{"x":1}\n'));
      await assert.rejects(collect(store.readJsonl(ref)), ArtifactIntegrityError);
    });

    void it('names the URI and the line number of a line that is not JSON', async () => {
      const bytes = '{"a":1}\n{"a":2,\n{"a":3}\n';
      await h.rawPut('bad/lines.jsonl', Buffer.from(bytes));
      const ref = refFor(store, 'bad/lines.jsonl', bytes, 3);
      await assert.rejects(collect(store.readJsonl(ref)), (err: unknown) => {
        assert.ok(err instanceof ArtifactFormatError);
        assert.match(err.message, /line 2 is not valid JSON/);
        assert.ok(err.message.startsWith(ref.uri), err.message);
        return true;
      });
    });

    void it('skips blank lines and reads hand-made files with CRLF line ends', async () => {
      const bytes = '{"a":1}\r\n\r\n{"a":2}';
      await h.rawPut('hand/crlf.jsonl', Buffer.from(bytes));
      assert.deepEqual(await collect(store.readJsonl(refFor(store, 'hand/crlf.jsonl', bytes, 2))), [
        { a: 1 },
        { a: 2 },
      ]);
    });

    void it('reads multi-byte characters that straddle the chunks of a read', async () => {
      // Lines of 3- and 4-byte characters over many 64 KiB read chunks: some chunk boundaries
      // fall inside a character and inside a line.
      const records = Array.from({ length: 3000 }, (_, i) => ({ i, text: `∑😀é-${i}-`.repeat(7) }));
      const ref = await store.writeJsonl('utf8/many.jsonl', records, 'Rollout');
      assert.deepEqual(await collect(store.readJsonl(ref)), records);
    });

    void it('reports a missing artifact as ArtifactNotFoundError and missing text as undefined', async () => {
      const ref = refFor(store, 'missing/x.jsonl', '', 0);
      await assert.rejects(collect(store.readJsonl(ref)), ArtifactNotFoundError);
      await assert.rejects(store.openUri(ref.uri), ArtifactNotFoundError);
      assert.equal(await store.getText('missing/marker'), undefined);
    });

    void it('putText with ifAbsent creates once and never overwrites', async () => {
      assert.equal(await store.putText('marker/done', 'first', { ifAbsent: true }), true);
      assert.equal(await store.putText('marker/done', 'second', { ifAbsent: true }), false);
      assert.equal(await store.getText('marker/done'), 'first');
      assert.equal(await store.putText('marker/done', 'third'), true);
      assert.equal(await store.getText('marker/done'), 'third');
    });

    void it('lets exactly one of concurrent ifAbsent writers win', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.putText('marker/race', `writer ${i}`, { ifAbsent: true })),
      );
      assert.equal(results.filter(Boolean).length, 1, `winners: ${JSON.stringify(results)}`);
      assert.equal(await store.getText('marker/race'), `writer ${results.indexOf(true)}`);
    });

    void it('lists keys by prefix, partial last segment included', async () => {
      for (const key of ['ls/a/x.jsonl', 'ls/a/y.jsonl', 'ls/a/deep/z.json', 'ls/ab/w.json', 'ls/b/v.json']) {
        await store.putText(key, key);
      }
      assert.deepEqual(await store.list('ls/a/'), ['ls/a/deep/z.json', 'ls/a/x.jsonl', 'ls/a/y.jsonl']);
      assert.deepEqual(await store.list('ls/a'), [
        'ls/a/deep/z.json',
        'ls/a/x.jsonl',
        'ls/a/y.jsonl',
        'ls/ab/w.json',
      ]);
      assert.deepEqual(await store.list('ls/a/x'), ['ls/a/x.jsonl']);
      assert.deepEqual(await store.list('ls/none/'), []);
    });

    void it('refuses keys that escape or collide with the store layout', async () => {
      const refused: [string, RegExp][] = [
        ['/abs', /leading "\/"/],
        ['/etc/passwd', /leading "\/"/],
        ['a/../b', /"\.\." segment/],
        ['../../etc/passwd', /"\.\." segment/],
        ['a/..', /"\.\." segment/],
        ['./a', /"\." or/],
        ['a//b', /empty/],
        ['', /empty/],
        ['a/.drill-tmp-x', /reserved/],
        ['a\\..\\b', /backslash/],
        ['..\\x', /backslash/],
        ['a/b\0.jsonl', /control character/],
        ['a/b\n.jsonl', /control character/],
        ['s3://other-bucket/x', /URI scheme/],
        ['file:///etc/passwd', /URI scheme/],
        ['https:evil', /URI scheme/],
        ['c:/windows', /URI scheme or drive/],
      ];
      for (const [key, why] of refused) {
        await assert.rejects(store.putText(key, 'x'), /invalid store key/, key);
        await assert.rejects(store.writeJsonl(key, [{ a: 1 }], 'Problem'), why, key);
        assert.throws(() => store.uriFor(key), /invalid store key/, key);
        await assert.rejects(store.getText(key), /invalid store key/, key);
      }
      for (const prefix of ['../', '/abs/', 'a/../', 'a\\b/', 's3://x/'])
        await assert.rejects(store.list(prefix), /invalid store prefix/, prefix);
      // What looks odd but stays inside the store is allowed: dots and colons inside a segment.
      for (const key of ['runs/r1/a..b.jsonl', 'runs/r1/x:y.jsonl', 'runs/..hidden/x'])
        assert.equal(await store.putText(key, 'ok'), true, key);
      assert.equal(await store.getText('runs/..hidden/x'), 'ok');
    });

    void it('uploads and downloads local files, verifying the hash', async () => {
      const source = join(scratch, 'upload.bin');
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
      await writeFile(source, bytes);
      const ref = await store.putFile('files/upload.bin', source, 'Checkpoint', 1);
      assert.deepEqual(ref, {
        uri: store.uriFor('files/upload.bin'),
        sha256: sha256(bytes),
        count: 1,
        schema: 'Checkpoint',
      });
      const target = join(scratch, 'nested', 'download.bin');
      await store.getFile(ref, target);
      assert.deepEqual(await readFile(target), bytes);
    });

    void it('reads file:// inputs by URI', async () => {
      const path = join(scratch, 'input.jsonl');
      const bytes = '{"problem":"1+1","answer":"2"}\n';
      await writeFile(path, bytes);
      const ref: ArtifactRef = {
        uri: pathToFileURL(path).href,
        sha256: sha256(bytes),
        count: 1,
        schema: 'Problem',
      };
      assert.deepEqual(await collect(store.readJsonl(ref)), [{ problem: '1+1', answer: '2' }]);
    });

    void it('round-trips an object larger than a part (multipart on S3) with the right hash', async () => {
      const lines = Math.ceil((h.partBytes * 4) / 200) + 1_000;
      const ref = await store.writeJsonl('large/big.jsonl', numbered(lines, 200), 'Rollout');
      const target = join(scratch, 'big.jsonl');
      await store.getFile(ref, target);
      const bytes = await readFile(target);
      assert.ok(bytes.length > 20 * 1024 * 1024, `object is ${bytes.length} bytes, want > 20 MiB`);
      assert.equal(ref.sha256, sha256(bytes));
      assert.equal(ref.count, lines);
      await h.assertMultipart?.('large/big.jsonl');
      let count = 0;
      for await (const record of store.readJsonl(ref)) assert.equal((record as { i: number }).i, count++);
      assert.equal(count, lines);
    });

    void it('never shows a half-written object', async () => {
      const key = 'atomic/slow.jsonl';
      const old = await store.writeJsonl(key, [{ version: 1 }], 'Problem');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const firstHalf = Math.ceil((h.partBytes * 1.5) / 200);
      async function* slow(): AsyncGenerator<unknown> {
        yield* numbered(firstHalf, 200);
        await gate;
        yield* numbered(10, 200);
      }
      const writing = store.writeJsonl(key, slow(), 'Problem');
      await h.waitInFlight(key);
      // Mid-write, readers still see the old object, whole.
      assert.deepEqual(await collect(store.readJsonl(old)), [{ version: 1 }]);
      assert.deepEqual(await store.list('atomic/slow'), [key]);
      release();
      const ref = await writing;
      assert.equal(ref.count, firstHalf + 10);
      assert.equal((await collect(store.readJsonl(ref))).length, firstHalf + 10);
      assert.deepEqual(await h.leftovers(), []);
    });

    void it('leaves the old object and no debris when a write fails midway', async () => {
      const key = 'atomic/fails.jsonl';
      const old = await store.writeJsonl(key, [{ version: 1 }], 'Problem');
      async function* failing(): AsyncGenerator<unknown> {
        yield* numbered(Math.ceil((h.partBytes * 1.5) / 200), 200);
        throw new Error('producer crashed');
      }
      await assert.rejects(store.writeJsonl(key, failing(), 'Problem'), /producer crashed/);
      assert.deepEqual(await collect(store.readJsonl(old)), [{ version: 1 }]);
      assert.deepEqual(await h.leftovers(), []);
    });
  });
}
