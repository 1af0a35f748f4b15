import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { PROMPTS, type PromptName } from '../../core/prompts/index.js';
import { lastBoxed } from '../../core/prompts/boxed.js';
import { generateBank } from '../../infra/simulator/bank.js';
import { writeModelFile } from '../../infra/simulator/model-store.js';
import { BASE_SKILLS } from '../../infra/simulator/profiles.js';
import { startSimulator, type Simulator } from '../../infra/simulator/server.js';
import { pCorrect } from '../../infra/simulator/student.js';

const home = mkdtempSync(join(tmpdir(), 'drill-sim-'));
let sim: Simulator;
let client: OpenAI;
const bank = generateBank({ seed: 5, perCategory: 30, idPrefix: 'sim-test' });

before(async () => {
  sim = await startSimulator({ home, seed: 1 });
  client = new OpenAI({ baseURL: sim.url, apiKey: 'unused', maxRetries: 0 });
});
after(async () => {
  await sim.close();
  rmSync(home, { recursive: true, force: true });
});

type Vars<N extends PromptName> = Parameters<(typeof PROMPTS)[N]['render']>[0];

async function ask<N extends PromptName>(
  name: N,
  vars: Vars<N>,
  model: string,
  extra: { n?: number; temperature?: number; seed?: number } = {},
): Promise<string[]> {
  const rendered = PROMPTS[name].render(vars as never);
  const messages = [
    ...(rendered.system ? [{ role: 'system' as const, content: rendered.system }] : []),
    { role: 'user' as const, content: rendered.user },
  ];
  const res = await client.chat.completions.create({ model, messages, ...extra });
  assert.equal(res.system_fingerprint, 'drillmaster-simulator');
  return res.choices.map((c) => c.message.content ?? '');
}

const geometry = bank.find((p) => p.category === 'Geometry' && p.level === 3)!;

void describe('answers every project prompt in the format it asks for', () => {
  const cases: { [N in PromptName]: [Vars<N>, string] } = {
    solve: [{ problem: geometry.problem }, 'sim-expert-a'],
    classify: [{ problem: geometry.problem }, 'sim-expert-a'],
    extractConcepts: [{ problem: geometry.problem, category: 'Geometry', k: 4 }, 'sim-expert-a'],
    generateProblem: [
      { category: 'Geometry', concepts: ['Pythagorean theorem', 'right triangles'], level: 'AIME' },
      'sim-expert-a',
    ],
    judgeProblem: [
      { problem: geometry.problem, category: 'Geometry', level: 'AIME', concepts: ['right triangles'] },
      'sim-judge',
    ],
    examine: [
      { category: 'Geometry', weakCategories: ['Geometry', 'Precalculus'], seedProblem: geometry.problem },
      'sim-expert-b',
    ],
    critique: [{ problem: geometry.problem }, 'sim-expert-c'],
    refine: [{ problem: geometry.problem, critiques: ['Too easy.'] }, 'sim-expert-b'],
    judgePair: [
      { problem: geometry.problem, answerA: `\\boxed{${geometry.answer}}`, answerB: '\\boxed{0}' },
      'sim-expert-a',
    ],
  };
  for (const name of Object.keys(cases) as PromptName[]) {
    void it(name, async () => {
      const [vars, model] = cases[name];
      const [text] = await ask(name, vars as never, model, { seed: 3 });
      const parsed = PROMPTS[name].parse(text ?? '');
      assert.ok(parsed.ok, `${name} answer did not parse: ${text}`);
    });
  }
  void it('extracts exactly k concepts, classifies correctly and writes recognisable problems', async () => {
    const [concepts] = await ask(
      'extractConcepts',
      { problem: geometry.problem, category: 'Geometry', k: 4 },
      'sim-expert-a',
    );
    const list = PROMPTS.extractConcepts.parse(concepts ?? '');
    assert.ok(list.ok && list.value.length === 4);
    const generated = await ask(
      'generateProblem',
      { category: 'Number Theory', concepts: ['modular arithmetic'], level: 'AMC12' },
      'sim-expert-a',
      { n: 30 },
    );
    const problems = generated.map((t) => PROMPTS.generateProblem.parse(t)).filter((r) => r.ok);
    assert.ok(problems.length >= 20, `most generated problems are well formed (${problems.length}/30)`);
  });
});

void describe('sampling', () => {
  void it('is reproducible, identical at temperature 0 and varied at temperature 1', async () => {
    const hard = bank.find((p) => p.category === 'Geometry' && p.level === 4)!;
    const a = await ask('solve', { problem: hard.problem }, 'sim-base', { n: 16, seed: 9 });
    const b = await ask('solve', { problem: hard.problem }, 'sim-base', { n: 16, seed: 9 });
    assert.deepEqual(a, b);
    const greedy = await ask('solve', { problem: hard.problem }, 'sim-base', {
      n: 4,
      temperature: 0,
      seed: 9,
    });
    assert.equal(new Set(greedy).size, 1);
    assert.ok(new Set(a.map((t) => lastBoxed(t))).size >= 2, 'wrong answers vary between samples');
  });

  void it("the student's accuracy per category follows its skill and the problem level", async () => {
    const measured = new Map<string, [number, number]>();
    for (const p of bank) {
      const answers = await ask('solve', { problem: p.problem }, 'sim-base', { n: 8, seed: 1 });
      const expected = pCorrect(BASE_SKILLS[p.category!], p.level!, p.problem);
      const got = answers.filter((t) => lastBoxed(t) === p.answer).length / answers.length;
      const [e, g] = measured.get(p.category!) ?? [0, 0];
      measured.set(p.category!, [e + expected / 30, g + got / 30]);
    }
    for (const [category, [expected, got]] of measured) {
      assert.ok(
        Math.abs(expected - got) < 0.08,
        `${category}: expected ${expected.toFixed(3)}, measured ${got.toFixed(3)}`,
      );
    }
    assert.ok(
      measured.get('Geometry')![1] < measured.get('Prealgebra')![1] - 0.3,
      'Geometry is a weak category',
    );
  });

  void it('experts answer bank problems correctly with their accuracy', async () => {
    for (const [model, accuracy] of [
      ['sim-expert-a', 0.92],
      ['sim-expert-c', 0.75],
    ] as const) {
      let correct = 0;
      for (const p of bank) {
        const answers = await ask('solve', { problem: p.problem }, model, { n: 4, seed: 2 });
        correct += answers.filter((t) => lastBoxed(t) === p.answer).length;
      }
      const rate = correct / (bank.length * 4);
      assert.ok(Math.abs(rate - accuracy) < 0.04, `${model}: ${rate.toFixed(3)} vs ${accuracy}`);
    }
  });

  void it('judges reject unsolvable problems with their accuracy and keep sound ones', async () => {
    const sound = bank.slice(0, 100);
    let rejectedSound = 0;
    let rejectedFlawed = 0;
    for (const p of sound) {
      const vars = { category: p.category!, level: 'AIME', concepts: ['x'] };
      const [good] = await ask('judgeProblem', { ...vars, problem: p.problem }, 'sim-judge', { seed: 4 });
      const flawedText = p.problem.replace(/\d+/, 'some number');
      const [flawed] = await ask('judgeProblem', { ...vars, problem: flawedText }, 'sim-judge', { seed: 4 });
      const verdict = (t: string | undefined) => {
        const r = PROMPTS.judgeProblem.parse(t ?? '');
        assert.ok(r.ok);
        return r.value.verdict;
      };
      if (verdict(good) === 'bad') rejectedSound++;
      if (verdict(flawed) === 'bad') rejectedFlawed++;
    }
    assert.ok(rejectedFlawed >= 80, `flawed problems rejected ${rejectedFlawed}/100 (judge accuracy 0.9)`);
    assert.ok(rejectedSound <= 20, `sound problems rejected ${rejectedSound}/100`);
  });

  void it('a battle judge prefers the correct answer', async () => {
    let wins = 0;
    for (const p of bank.slice(0, 60)) {
      const [verdict] = await ask(
        'judgePair',
        { problem: p.problem, answerA: '\\boxed{-7}', answerB: `so \\boxed{${p.answer}}` },
        'sim-expert-a',
        { seed: 5 },
      );
      const r = PROMPTS.judgePair.parse(verdict ?? '');
      if (r.ok && r.value === 'B') wins++;
    }
    assert.ok(wins >= 48, `correct answer preferred ${wins}/60`);
  });
});

void describe('HTTP surface', () => {
  void it('answers an unknown model with an OpenAI-style 404', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) =>
        err instanceof OpenAI.NotFoundError && (err.error as { code?: string }).code === 'model_not_found',
    );
    await assert.rejects(client.embeddings.create({ model: 'gpt-nope', input: 'x' }), OpenAI.NotFoundError);
  });

  void it('reports usage as about a token per four characters', async () => {
    const res = await client.chat.completions.create({
      model: 'sim-expert-a',
      messages: [{ role: 'user', content: 'x'.repeat(400) }],
    });
    assert.equal(res.usage?.prompt_tokens, 100);
    assert.equal(res.usage?.completion_tokens, Math.ceil((res.choices[0]?.message.content ?? '').length / 4));
    const short = await client.chat.completions.create({
      model: 'sim-expert-a',
      messages: [{ role: 'user', content: 'y' }],
      max_tokens: 5,
    });
    assert.equal(short.choices[0]?.finish_reason, 'length');
    assert.equal(short.choices[0]?.message.content?.length, 20);
  });

  void it('embeds deterministically, normalised, with related concepts closer (base64 and float)', async () => {
    const input = ['modular arithmetic', 'modular exponentiation', 'area of a triangle'];
    const viaBase64 = await client.embeddings.create({ model: 'sim-embed', input });
    const viaFloat = await client.embeddings.create({ model: 'sim-embed', input, encoding_format: 'float' });
    const [a, b, c] = viaBase64.data.map((d) => d.embedding) as [number[], number[], number[]];
    const dot = (x: number[], y: number[]): number => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
    assert.equal(a.length, 64);
    assert.ok(Math.abs(dot(a, a) - 1) < 1e-5);
    assert.ok(dot(a, b) > dot(a, c) + 0.2, `related ${dot(a, b)} vs unrelated ${dot(a, c)}`);
    viaFloat.data.forEach((d, i) =>
      d.embedding.forEach((v, j) => assert.ok(Math.abs(v - (viaBase64.data[i]!.embedding[j] ?? 0)) < 1e-6)),
    );
  });

  void it('serves trained checkpoints registered as files, re-reading a changed file', async () => {
    const skills = { ...BASE_SKILLS, Geometry: 0.99 };
    writeModelFile(home, { name: 'sim-sft-test', parent: 'sim-base', stage: 'sft', skills, simulated: true });
    const models = await client.models.list();
    assert.ok(
      models.data.some((m) => m.id === 'sim-sft-test') && models.data.some((m) => m.id === 'sim-base'),
    );
    const easy = bank.filter((p) => p.category === 'Geometry' && p.level! <= 2).slice(0, 5);
    let correct = 0;
    for (const p of easy) {
      const answers = await ask('solve', { problem: p.problem }, 'sim-sft-test', { n: 8, seed: 1 });
      correct += answers.filter((t) => lastBoxed(t) === p.answer).length;
    }
    assert.ok(correct >= 36, `a Geometry-skilled checkpoint solves easy Geometry (${correct}/40)`);
    const path = writeModelFile(home, {
      name: 'sim-sft-test',
      parent: 'sim-base',
      stage: 'sft',
      skills: { ...skills, Geometry: 0.01 },
      simulated: true,
    });
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    let after = 0;
    for (const p of easy) {
      const answers = await ask('solve', { problem: p.problem }, 'sim-sft-test', { n: 8, seed: 1 });
      after += answers.filter((t) => lastBoxed(t) === p.answer).length;
    }
    assert.ok(after < correct - 20, `the rewritten file is served (${after} vs ${correct})`);
  });
});

void describe('fault injection', () => {
  const chat = (id: string) =>
    client.chat.completions.create(
      {
        model: 'sim-expert-a',
        messages: [{ role: 'user', content: PROMPTS.classify.render({ problem: geometry.problem }).user }],
      },
      { headers: { 'x-drill-custom-id': id } },
    );

  void it('injects 429 (with retry-after), 500 and garbage at roughly the set rates, and counts requests per custom id', async () => {
    sim.setFaults({ rate429: 0.2, rate500: 0.1, rateGarbage: 0.15, retryAfterSeconds: 7 });
    const before = sim.totalRequests();
    const outcomes = { 429: 0, 500: 0, garbage: 0, ok: 0 };
    const total = 1000;
    try {
      for (let i = 0; i < total; i++) {
        try {
          const res = await chat(`req-${i % 10}`);
          if (PROMPTS.classify.parse(res.choices[0]?.message.content ?? '').ok) outcomes.ok++;
          else outcomes.garbage++;
        } catch (err) {
          if (err instanceof OpenAI.RateLimitError) {
            assert.equal(err.headers?.get('retry-after'), '7');
            outcomes[429]++;
          } else if (err instanceof OpenAI.InternalServerError) outcomes[500]++;
          else throw err;
        }
      }
    } finally {
      sim.setFaults({ rate429: 0, rate500: 0, rateGarbage: 0 });
    }
    assert.ok(Math.abs(outcomes[429] / total - 0.2) < 0.04, `429 rate ${outcomes[429] / total}`);
    assert.ok(Math.abs(outcomes[500] / total - 0.1) < 0.03, `500 rate ${outcomes[500] / total}`);
    assert.ok(Math.abs(outcomes.garbage / total - 0.15) < 0.035, `garbage rate ${outcomes.garbage / total}`);
    assert.equal(sim.totalRequests() - before, total);
    assert.equal(sim.received().get('req-3'), 100);
  });

  void it('a hung request never answers until the client gives up', async () => {
    sim.setFaults({ rateHang: 1 });
    const started = Date.now();
    try {
      await assert.rejects(
        client.chat.completions.create(
          { model: 'sim-base', messages: [{ role: 'user', content: 'hi' }] },
          { timeout: 300 },
        ),
        OpenAI.APIConnectionTimeoutError,
      );
    } finally {
      sim.setFaults({ rateHang: 0 });
    }
    assert.ok(Date.now() - started >= 290);
  });

  void it('refuses fault rates outside [0, 1] or summing over 1', () => {
    assert.throws(() => sim.setFaults({ rate429: 1.5 }), /faults.rate429 must be in \[0, 1\]/);
    assert.throws(() => sim.setFaults({ rate429: 0.6, rate500: 0.6 }), /sum to at most 1/);
  });
});
