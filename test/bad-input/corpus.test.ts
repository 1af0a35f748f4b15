import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ingestProblems, MAX_ROW_CHARS } from '../../activities/stages/ingest.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import { loadRunConfig } from '../../cli/config-file.js';
import { parseAnswer } from '../../core/prompts/index.js';

/**
 * The bad-input corpus: every file here is a mistake someone will make (or an LLM will), with the
 * error it must get — naming the field or the line — checked by calling the validating code
 * directly. test/workflow/bad-input.test.ts sends a bad config and a bad dataset through Temporal.
 */
const CORPUS = fileURLToPath(new URL('./', import.meta.url));

void describe('bad configs: one error naming every bad field', () => {
  const cases: [file: string, fields: RegExp[]][] = [
    ['wrong-types', [/expected number, received string\s+→ at seed/, /→ at rounds/]],
    ['unknown-key', [/Unrecognized key: "budjet"\s+→ at stages\.exam/]],
    ['negative-count', [/expected number to be >0\s+→ at stages\.sampler\.budget/]],
    ['missing-endpoint', [/no endpoint named "embedding-server".*\s+→ at roles\.embedder/]],
    ['missing-role', [/expected string, received undefined\s+→ at roles\.labeller/]],
    ['unsafe-model', [/letters, digits.*\s+→ at model/]],
  ];
  for (const [name, fields] of cases) {
    void it(name, async () => {
      const path = join(CORPUS, 'configs', `${name}.yaml`);
      const before = await readFile(path);
      const err = await loadRunConfig(path).then(
        () => assert.fail('the config should be refused'),
        (e: Error) => e,
      );
      assert.match(err.message, new RegExp(`invalid run config .*${name}\\.yaml`));
      for (const field of fields) assert.match(err.message, field);
      assert.deepEqual(await readFile(path), before, 'validation leaves the file as it was');
    });
  }
});

void describe('bad datasets: a non-retryable error naming the line; the store keeps what it had', () => {
  let dir: string;
  let store: ArtifactStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drill-bad-input-'));
    store = createFileStore(join(dir, 'store'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Ingests a good dataset first, then the bad one into the same store. */
  async function refused(uri: string, name: string): Promise<string> {
    const good = join(dir, 'good.jsonl');
    await writeFile(good, '{"problem": "5+5?", "answer": "10", "subject": "Algebra"}\n');
    const earlier = await ingestProblems(store, pathToFileURL(good).href, 'good');
    const keys = await store.list('');
    const err = await ingestProblems(store, uri, name).then(
      () => assert.fail('the dataset should be refused'),
      (e: Error & { type?: string; nonRetryable?: boolean }) => e,
    );
    assert.equal(err.type, 'InvalidData');
    assert.equal(err.nonRetryable, true);
    assert.deepEqual(await store.list(''), keys, 'no partial output, nothing removed');
    const reread = [];
    for await (const p of store.readJsonl(earlier.problems)) reread.push(p);
    assert.equal(reread.length, 1, 'the earlier artifact still reads, hash checked');
    return err.message;
  }

  const cases: [file: string, error: RegExp][] = [
    ['non-utf8', /non-utf8\.jsonl line 2: not valid UTF-8/],
    ['blank-lines-then-missing-answer', /line 6: .*answer/s],
    ['duplicate-ids', /duplicate-ids\.jsonl line 3: id "a" appears twice/],
    ['wrong-type', /wrong-type\.jsonl line 2: .*level/s],
    ['not-json', /not-json\.jsonl line 2: not JSON/],
  ];
  for (const [name, error] of cases) {
    void it(name, async () => {
      const uri = pathToFileURL(join(CORPUS, 'datasets', `${name}.jsonl`)).href;
      assert.match(await refused(uri, name), error);
    });
  }

  void it('a 10 MB line (generated here, not committed)', async () => {
    const path = join(dir, 'huge-line.jsonl');
    const huge = JSON.stringify({ problem: 'x'.repeat(10 << 20), answer: '1' });
    await writeFile(path, `{"problem": "1+1?", "answer": "2"}\n${huge}\n`);
    const message = await refused(pathToFileURL(path).href, 'huge');
    assert.match(
      message,
      new RegExp(`huge-line\\.jsonl line 2: ${huge.length} characters, over the ${MAX_ROW_CHARS}`),
    );
    assert.ok(message.length < 1000, 'the error does not carry the line');
  });
});

void describe('bad LLM outputs: refused with a reason, never taken as an answer', () => {
  const cases: [file: string, reason: RegExp][] = [
    ['extractConcepts.not-json', /no JSON list of concepts/],
    ['extractConcepts.wrong-schema', /\[1\]|expected string/],
    ['judgeProblem.steered-after-verdict', /no "Final Judgement: .*" line at the end/],
    ['judgeProblem.options-echo', /no "Final Judgement/],
    ['judgeProblem.verdict-prefix', /no "Final Judgement/],
    ['judgePair.steered-after-verdict', /no verdict line/],
    ['judgePair.format-echo', /no verdict line/],
  ];
  for (const [file, reason] of cases) {
    void it(file, async () => {
      const text = await readFile(join(CORPUS, 'llm', `${file}.txt`), 'utf8');
      const result = parseAnswer(file.split('.')[0]!, text);
      assert.equal(result.ok, false, `${file} is refused`);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }
});
