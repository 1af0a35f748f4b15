import assert from 'node:assert/strict';
import { readdir, readlink, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { ingestProblems } from '../../activities/stages/ingest.js';
import { collectLanes, type LlmResultLine, type LlmStepDef } from '../../activities/stages/llm-step.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import type { ArtifactStore } from '../../activities/storage/store.js';

/**
 * Every path that reads the store gives its file descriptor back, also when it stops early or
 * fails: a descriptor left to the garbage collector is a leak in a worker that runs for days (and
 * DEP0137, an error in later Node). Counted in /proc/self/fd, so no explicit gc is needed.
 */

/** Descriptors of this process open on files under dir. */
async function openUnder(dir: string): Promise<string[]> {
  const open: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(dir)) open.push(target);
  }
  return open;
}

/** The descriptors still open under dir once closes in flight have had 10 s to finish (a loaded CI machine). */
async function leftOpen(dir: string): Promise<string[]> {
  const end = Date.now() + 10_000;
  for (;;) {
    const open = await openUnder(dir);
    if (open.length === 0 || Date.now() > end) return open;
    await sleep(20);
  }
}

const result = (custom_id: string): LlmResultLine => ({ custom_id, ok: true, contents: ['yes'] });

/** One lane, one request per record; keeps each record. */
const echo: LlmStepDef<{ n: number }, { n: number }, null> = {
  version: 1,
  lanes: () => 1,
  outputSchema: 'Problem',
  requests: () => [{ lane: 0, prompt: 'p', user: 'u' }],
  collect: (rec) => ({ out: [rec] }),
};

void describe('store readers release their file descriptors', () => {
  let root: string;
  /** Each case's own folder and store, so it counts only its own descriptors. */
  let dir: string;
  let store: ArtifactStore;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'drill-descriptors-'));
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(root, 'case-'));
    store = createFileStore(join(dir, 'store'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  void it('a stream opened and never read, or destroyed after one chunk, holds none', async () => {
    const ref = await store.writeText('a/text.txt', 'x'.repeat(200_000), 'RunReport');
    const unread = await store.openUri(ref.uri);
    assert.deepEqual(await leftOpen(dir), [], 'an unread stream');
    unread.destroy();
    const partly = await store.openUri(ref.uri);
    for await (const chunk of partly) {
      assert.ok((chunk as Buffer).length > 0);
      break;
    }
    assert.deepEqual(await leftOpen(dir), [], 'a stream left after its first chunk');
  });

  void it('a getFile whose write fails before reading releases the source', async () => {
    const ref = await store.writeText('a/source.txt', 'hello', 'RunReport');
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    await assert.rejects(store.getFile(ref, join(blocker, 'copy.txt')), /not-a-folder/);
    assert.deepEqual(await leftOpen(dir), []);
  });

  void it('a putFile whose write fails before reading releases the local file', async () => {
    const local = join(dir, 'weights.bin');
    await writeFile(local, 'bytes');
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    const blocked = createFileStore(join(blocker, 'store'));
    await assert.rejects(blocked.putFile('a/weights.bin', local, 'Checkpoint', 1), /not-a-folder/);
    assert.deepEqual(await leftOpen(dir), []);
  });

  void it('collectLanes releases its results files, whether the lanes line up or not', async () => {
    const records = [{ n: 1 }, { n: 2 }];
    async function* input() {
      yield* records;
    }
    // Small files: each is read in one chunk, so the cursor stops at its last line, before end of file.
    const lined = await store.writeJsonl('a/results.jsonl', [result('0:0'), result('1:0')], 'LlmResult');
    const out = await collectLanes(store, echo, input(), [lined], null, 'a/kept.jsonl');
    assert.equal(out.output.count, 2);
    assert.deepEqual(await leftOpen(dir), [], 'after a collect that succeeded');

    const skewed = await store.writeJsonl('a/skewed.jsonl', [result('0:0'), result('7:0')], 'LlmResult');
    await assert.rejects(
      collectLanes(store, echo, input(), [skewed], null, 'a/kept2.jsonl'),
      /do not line up .*expected 1:0, got 7:0/,
    );
    assert.deepEqual(await leftOpen(dir), [], 'after a collect that failed');
  });

  void it('ingest refusing a bad line early in a large file releases the file', async () => {
    const rows = ['{"problem": "1+1?", "answer": "2"}', 'not json'];
    for (let i = 0; i < 20_000; i++) rows.push(`{"problem": "${i}+1?", "answer": "${i + 1}"}`);
    const dataset = join(dir, 'bad.jsonl');
    await writeFile(dataset, rows.join('\n') + '\n');
    await assert.rejects(
      ingestProblems(store, pathToFileURL(dataset).href, 'bad'),
      /bad\.jsonl line 2: not JSON/,
    );
    assert.deepEqual(await leftOpen(dir), []);
  });
});
