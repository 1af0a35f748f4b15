import { CATEGORIES } from '../../schemas/config.js';
import type { RunStatus, StageRecord } from '../../contract/records.js';

/**
 * ECharts options for the run report, as plain JSON (no functions), so the page only has to hand
 * each one to echarts.init(…).setOption(…). Each chart says SIMULATED in its title when its
 * figures came from the simulator.
 */
export interface Chart {
  id: string;
  title: string;
  /** Pixel height of the chart's box. */
  height: number;
  option: Record<string, unknown>;
}

const SIM = 'SIMULATED figures (in-repo simulator, not a real model or GPU)';

function titled(text: string, simulated: boolean) {
  return {
    text,
    ...(simulated ? { subtext: SIM, subtextStyle: { color: '#b00020', fontWeight: 'bold' } } : {}),
  };
}

const pct = (x: number | undefined) => (x === undefined ? null : Math.round(1000 * x) / 10);
const isEval = (s: StageRecord): s is StageRecord & { eval: NonNullable<StageRecord['eval']> } => !!s.eval;
const base = {
  tooltip: { trigger: 'axis' },
  legend: { type: 'scroll', bottom: 0 },
  toolbox: { feature: { saveAsImage: {} } },
};
const grid = (top = 70) => ({ left: 60, right: 30, top, bottom: 70, containLabel: true });

/** Accuracy per category (and overall) after every evaluated stage, round by round. */
export function accuracyChart(status: RunStatus): Chart | undefined {
  const evals = status.stages.filter(isEval);
  if (evals.length === 0) return undefined;
  const cats = CATEGORIES.filter((c) => evals.some((e) => e.eval.byCategory[c]));
  const k = evals[0]!.eval.samples;
  const x = evals.map((e) => `r${e.round + 1} ${e.stage.replace(/^evaluation\./, '')}`);
  return {
    id: 'accuracy',
    title: 'Accuracy per category',
    height: 420,
    option: {
      ...base,
      title: titled(
        `Accuracy per category after each stage (avg@${k}, %)`,
        evals.some((e) => e.eval.simulated),
      ),
      grid: grid(),
      xAxis: { type: 'category', data: x, name: 'round, after stage', nameLocation: 'middle', nameGap: 30 },
      yAxis: { type: 'value', name: '%', min: 0, max: 100 },
      series: [
        ...cats.map((c) => ({
          name: c,
          type: 'line',
          data: evals.map((e) => pct(e.eval.byCategory[c]?.avgAtK)),
        })),
        {
          name: `overall avg@${k}`,
          type: 'line',
          lineStyle: { width: 4 },
          data: evals.map((e) => pct(e.eval.overall.avgAtK)),
        },
      ],
    },
  };
}

/** One funnel chart per funnel the run recorded (SwS synthesis and WarriorMath exam, per round). */
export function funnelCharts(status: RunStatus, simulated: boolean): Chart[] {
  return Object.entries(status.funnel).map(([key, steps], i) => {
    const kind = / exam$/.test(key) ? 'Exam funnel' : 'Synthesis funnel';
    // Funnel keys count rounds from 0 (`round 0 exam`); the report counts from 1.
    const round = `round ${Number(/\d+/.exec(key)?.[0] ?? 0) + 1}`;
    const data = Object.entries(steps).map(([name, value]) => ({ name: `${name}: ${value}`, value }));
    return {
      id: `funnel-${i}`,
      title: `${kind}, ${round}`,
      height: 60 + 34 * data.length,
      option: {
        title: titled(`${kind} — ${round} (problems left after each step)`, simulated),
        tooltip: { trigger: 'item' },
        toolbox: { feature: { saveAsImage: {} } },
        series: [
          {
            type: 'funnel',
            sort: 'none',
            top: 70,
            bottom: 10,
            left: '5%',
            width: '90%',
            minSize: '4%',
            label: { position: 'inside', color: '#000' },
            data,
          },
        ],
      },
    };
  });
}

/** Failed problems per category in each round's weakness detection. */
export function weaknessHeatmap(status: RunStatus, simulated: boolean): Chart | undefined {
  const weak = status.stages.filter((s) => s.stage === 'weakness');
  if (weak.length === 0) return undefined;
  const cats = CATEGORIES.filter((c) => weak.some((w) => w.counts[`failed ${c}`] !== undefined));
  const rounds = weak.map((w) => `round ${w.round + 1}`);
  const data = weak.flatMap((w, y) => cats.map((c, x) => [x, y, w.counts[`failed ${c}`] ?? 0]));
  const max = Math.max(1, ...data.map((d) => d[2]!));
  return {
    id: 'weakness',
    title: 'Weak categories by round',
    height: 200 + 50 * rounds.length,
    option: {
      title: titled('Weak categories by round (failed problems per category)', simulated),
      tooltip: { position: 'top' },
      grid: { left: 90, right: 30, top: 70, bottom: 90, containLabel: true },
      xAxis: {
        type: 'category',
        data: cats,
        splitArea: { show: true },
        axisLabel: { interval: 0, rotate: 20 },
      },
      yAxis: { type: 'category', data: rounds, splitArea: { show: true } },
      visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
      series: [{ type: 'heatmap', data, label: { show: true } }],
    },
  };
}

/** Committee Elo ratings after each gold stage. */
export function eloChart(status: RunStatus, simulated: boolean): Chart | undefined {
  const gold = status.stages.filter((s) => Object.keys(s.counts).some((k) => k.startsWith('elo ')));
  if (gold.length === 0) return undefined;
  const members = [
    ...new Set(gold.flatMap((g) => Object.keys(g.counts).filter((k) => k.startsWith('elo ')))),
  ];
  return {
    id: 'elo',
    title: 'Committee Elo ratings',
    height: 360,
    option: {
      ...base,
      title: titled('Committee Elo ratings (gold stage, K = 40)', simulated),
      grid: grid(),
      xAxis: { type: 'category', data: gold.map((g) => `round ${g.round + 1}`) },
      yAxis: { type: 'value', name: 'Elo', scale: true },
      series: members.map((m) => ({
        name: m.replace(/^elo /, ''),
        type: 'bar',
        label: { show: true, position: 'top' },
        data: gold.map((g) => g.counts[m] ?? null),
      })),
    },
  };
}

/** GPU-hours, tokens and cost per stage: two bar charts sharing the stage axis. */
export function costCharts(status: RunStatus, simulated: boolean): Chart[] {
  const names = status.stages.map((s) => `r${s.round + 1} ${s.stage}`);
  const bars = (name: string, data: (number | null)[], stack?: string) => ({
    name,
    type: 'bar',
    stack,
    data,
  });
  const axis = { type: 'category', data: names, axisLabel: { interval: 0, rotate: 40 } };
  return [
    {
      id: 'cost-stage',
      title: 'GPU-hours and cost per stage',
      height: 420,
      option: {
        ...base,
        title: titled('GPU-hours and LLM cost per stage', simulated),
        grid: grid(),
        xAxis: axis,
        yAxis: [
          { type: 'value', name: 'GPU-hours' },
          { type: 'value', name: 'USD' },
        ],
        series: [
          bars(
            'GPU-hours',
            status.stages.map((s) => s.gpuHours ?? null),
          ),
          {
            ...bars(
              'LLM cost (USD)',
              status.stages.map((s) => s.llm?.costUsd ?? null),
            ),
            yAxisIndex: 1,
          },
        ],
      },
    },
    {
      id: 'tokens-stage',
      title: 'Tokens per stage',
      height: 420,
      option: {
        ...base,
        title: titled('LLM tokens per stage', simulated),
        grid: grid(),
        xAxis: axis,
        yAxis: { type: 'value', name: 'tokens' },
        series: [
          bars(
            'prompt tokens',
            status.stages.map((s) => s.llm?.promptTokens ?? null),
            'tokens',
          ),
          bars(
            'completion tokens',
            status.stages.map((s) => s.llm?.completionTokens ?? null),
            'tokens',
          ),
        ],
      },
    },
  ];
}

/** Tokens, requests and cost per role (summed over the role's endpoints and models). */
export function roleChart(status: RunStatus, simulated: boolean): Chart | undefined {
  const roles = new Map<string, { prompt: number; completion: number; cost: number; requests: number }>();
  for (const l of status.totals.llm.lanes) {
    const r = roles.get(l.role) ?? { prompt: 0, completion: 0, cost: 0, requests: 0 };
    r.prompt += l.promptTokens;
    r.completion += l.completionTokens;
    r.cost += l.costUsd;
    r.requests += l.requests;
    roles.set(l.role, r);
  }
  if (roles.size === 0) return undefined;
  const names = [...roles.keys()];
  const col = (f: (r: typeof roles extends Map<string, infer V> ? V : never) => number) =>
    names.map((n) => f(roles.get(n)!));
  return {
    id: 'roles',
    title: 'Tokens and cost per role',
    height: 400,
    option: {
      ...base,
      title: titled('LLM requests, tokens and cost per role', simulated),
      grid: grid(),
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: 20 } },
      yAxis: [
        { type: 'value', name: 'tokens' },
        { type: 'value', name: 'USD / requests' },
      ],
      series: [
        { name: 'prompt tokens', type: 'bar', stack: 'tokens', data: col((r) => r.prompt) },
        { name: 'completion tokens', type: 'bar', stack: 'tokens', data: col((r) => r.completion) },
        { name: 'requests', type: 'line', yAxisIndex: 1, data: col((r) => r.requests) },
        { name: 'cost (USD)', type: 'line', yAxisIndex: 1, data: col((r) => Math.round(100 * r.cost) / 100) },
      ],
    },
  };
}

/** Every chart of the report, in reading order. */
export function reportCharts(status: RunStatus, simulated: boolean): Chart[] {
  return [
    accuracyChart(status),
    weaknessHeatmap(status, simulated),
    ...funnelCharts(status, simulated),
    eloChart(status, simulated),
    ...costCharts(status, simulated),
    roleChart(status, simulated),
  ].filter((c): c is Chart => c !== undefined);
}
