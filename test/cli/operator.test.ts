import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { workflowUiUrl } from '../../cli/client.js';
import { configDigest } from '../../activities/report/write.js';
import { startRun } from '../../cli/run.js';
import type { RunConfig } from '../../schemas/config.js';
import type { RunStatus } from '../../workflows/contract.js';
import type { RunningWorkers } from '../../workers/run.js';
import { createHarness, type Harness } from '../workflow/harness.js';
import { chromiumPath } from './chromium.js';

/**
 * The operator's view of a run, through the `drill` command as a person types it (a child
 * process each time) and through a browser: live progress while it runs, status with no worker
 * after it ends, the HTML report and the Temporal UI page, and one-line errors.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DRILL = join(ROOT, 'bin/drill.js');
const SHOTS = join(ROOT, '.drill/screenshots');

const drill = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    const r = await promisify(execFile)(process.execPath, [DRILL, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

let h: Harness;
let workers: RunningWorkers;
let finished: RunStatus;
let runId: string;
let runConfig: RunConfig;

before(async () => {
  h = await createHarness('operator');
  workers = await h.startWorkers();
});
after(() => h?.close());

void describe('operator experience', () => {
  void it('drill watch prints each stage and live progress of a running run, and ends when it completes', async () => {
    const config = await h.config();
    runId = config.runId;
    runConfig = config;
    const handle = await startRun(h.client, config, h.settings.queuePrefix);
    const watch = spawn(process.execPath, [DRILL, 'watch', runId, '--interval', '0.5'], { env: process.env });
    let out = '';
    watch.stdout.on('data', (b: Buffer) => (out += b.toString()));
    watch.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => watch.on('close', r));
    finished = (await handle.result()) as RunStatus;
    assert.equal(code, 0, out);
    for (const s of finished.stages)
      assert.match(out, new RegExp(`^r0 ${s.stage.replace('.', '\\.')}\\b`, 'm'));
    // Progress lines come from the running stage's activity heartbeats, read from Temporal.
    const items = [...out.matchAll(/^r0 (\S+) · \w+: (\d+)\/(\d+) items \(\d+%\)/gm)];
    assert.ok(items.length > 0, `some LLM batch progress was shown:\n${out}`);
    for (const [, , done, total] of items) assert.ok(Number(done) <= Number(total));
    assert.match(out, /· \d+ calls in flight/);
    assert.match(out, /training job \S+: (running|pending|succeeded)/, 'a training job was seen running');
    assert.match(out, new RegExp(`${runId}: completed, checkpoint ${finished.checkpoint}`));
    // What the Temporal UI shows as a workflow's "current details" (its metadata query, answered
    // by a worker): the run's last step, and each stage's (e.g. the gold stage's last step).
    const details = async (id: string) =>
      (
        await h.client.workflow
          .getHandle(id)
          .query<{ currentDetails?: string }>('__temporal_workflow_metadata')
      ).currentDetails;
    assert.equal(await details(runId), `completed: ${finished.checkpoint}`);
    assert.equal(await details(`${runId}/r0/gold`), 'choosing gold answers by Elo and local votes');
    assert.ok(!/\n\s+at /.test(out), 'no stack trace');
  });

  void it('drill status reads a finished run with no worker running', async () => {
    workers.shutdown();
    await workers.done;
    const r = await drill(['status', runId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^${runId}: completed, round 1/1, stage -, checkpoint ${finished.checkpoint}`),
    );
    for (const s of finished.stages) assert.ok(r.stdout.includes(s.stage), `status names ${s.stage}`);
    const json = JSON.parse((await drill(['status', runId, '--json'])).stdout);
    assert.equal(json.state, 'COMPLETED');
    assert.equal(json.source, 'result');
    assert.deepEqual(json.status, finished);
    // The run wrote its report as an artifact at the end and put its URI in the memo, beside the
    // config digest (which the workflow sets too, for runs started without the CLI).
    assert.equal(json.memo.configDigest, configDigest(runConfig));
    assert.match(json.memo.report, /^file:\/\/.+\/reports\/.+\.html$/);
    assert.match(r.stdout, new RegExp(`^report: ${json.memo.report}$`, 'm'));
    const stored = await readFile(fileURLToPath(json.memo.report), 'utf8');
    assert.match(stored, /<h2>Plan beside actual/);
    for (const s of finished.stages) assert.ok(stored.includes(s.stage), `stored report names ${s.stage}`);
    const list = await drill(['list', '--state', 'completed', '--model', 'sim-base']);
    assert.match(list.stdout, new RegExp(`${runId}.+completed.+evaluation\\.\\S+.+1.+sim-base`));
  });

  void it('drill status on a running run with no worker shows the last known status and says so; cancel asks it to stop', async () => {
    const config = { ...(await h.config()), runId: `${runId}-noworker` };
    await startRun(h.client, config, h.settings.queuePrefix);
    const r = await drill(['status', config.runId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: running, round 1\/1/);
    assert.match(r.stdout, /note: no worker answered the status query within 5 s/);
    const cancel = await drill(['cancel', config.runId]);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, new RegExp(`cancellation requested for ${config.runId}`));
    await h.client.workflow.getHandle(config.runId).terminate('test over');
    const ended = await drill(['status', config.runId]);
    assert.match(ended.stdout, /: terminated, .*\nfailure: test over/);
    const again = await drill(['cancel', config.runId]);
    assert.equal(again.code, 2);
    assert.equal(again.stderr, `drill: run ${config.runId} is not running (terminated)\n`);
  });

  void it('every command fails with one line and its exit code: unknown run, server down, bad address', async () => {
    const cases: [string[], NodeJS.ProcessEnv, number, RegExp][] = [
      [['status', 'no-such-run'], {}, 3, /^drill: no run with ID "no-such-run" on /],
      [['watch', 'no-such-run'], {}, 3, /^drill: no run with ID "no-such-run"/],
      [['cancel', 'no-such-run'], {}, 3, /^drill: no run with ID "no-such-run"/],
      [['report', 'no-such-run'], {}, 3, /^drill: no run with ID "no-such-run"/],
      [
        ['status', 'x'],
        { DRILL_TEMPORAL_ADDRESS: '127.0.0.1:1' },
        4,
        /^drill: cannot reach the Temporal server at 127\.0\.0\.1:1 /,
      ],
      [['list'], { DRILL_TEMPORAL_ADDRESS: '127.0.0.1:1' }, 4, /^drill: cannot reach the Temporal server/],
      [
        ['status', 'x'],
        { DRILL_TEMPORAL_ADDRESS: 'not an address::' },
        4,
        /^drill: cannot reach the Temporal server at not an address:: \(Invalid address/,
      ],
    ];
    for (const [args, env, code, line] of cases) {
      const r = await drill(args, env);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, line);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
    }
  });

  void it('the report and the Temporal UI page of the finished run show every stage (screenshots in .drill/screenshots)', async () => {
    await mkdir(SHOTS, { recursive: true });
    const out = join(h.dir, 'report.html');
    const r = await drill(['report', runId, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), out);
    assert.ok(!(await readFile(out, 'utf8')).includes('<script src='), 'self-contained: no external script');

    const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`file://${out}`);
      await page.locator('#accuracy svg').waitFor();
      const text = await page.innerText('body');
      for (const s of finished.stages) assert.ok(text.includes(s.stage), `report shows ${s.stage}`);
      assert.match(text, /^SIMULATED: the figures in this report/m);
      // Plan beside actual: the student's planned requests (an upper bound) and the ones it made.
      const student = finished.totals.llm.lanes
        .filter((l) => l.role === 'student')
        .reduce((n, l) => n + l.requests, 0);
      assert.match(text, new RegExp(`^student\\t≤ [\\d,]+\\t${student.toLocaleString('en-US')}\\t`, 'm'));
      const charts = await page.locator('.chart').count();
      assert.ok(charts >= 6, `${charts} charts`);
      assert.equal(await page.locator('.chart svg').count(), charts, 'every chart drew');
      // Every chart's title area says its figures are simulated.
      assert.equal(await page.locator('.chart', { hasText: 'SIMULATED figures' }).count(), charts);
      assert.deepEqual(errors, []);
      await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });

      await page.goto(workflowUiUrl(h.settings, runId));
      await page.getByText('Workflow Type').first().waitFor();
      await page.getByRole('tab', { name: /Relationships/ }).click();
      // The list of child workflows renders progressively: wait until every stage is in it.
      const ids = finished.stages.map((s) => `${runId}/r0/${s.stage}`);
      await page
        .waitForFunction((want) => want.every((id) => document.body.innerText.includes(id)), ids, {
          timeout: 60_000,
        })
        .catch(() => {}); // the assertions below name what is missing
      const ui = await page.innerText('body');
      for (const s of finished.stages)
        assert.ok(ui.includes(`${runId}/r0/${s.stage}`), `UI shows ${s.stage}`);
      await page.screenshot({ path: join(SHOTS, 'temporal-ui.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
