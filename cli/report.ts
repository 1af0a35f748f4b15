import Table from 'cli-table3';
import { CATEGORIES } from '../schemas/config.js';
import type { RunStatus, StageRecord } from '../workflows/contract.js';

const pct = (x: number | undefined) => (x === undefined ? '' : (100 * x).toFixed(1));
const SIM_NOTE = 'SIMULATED: figures come from the in-repo simulator, not a real model or GPU';

/** Accuracy per category after each stage that produced a checkpoint. */
export function accuracyTable(status: RunStatus): string {
  const evals = status.stages.filter(
    (s): s is StageRecord & { eval: NonNullable<StageRecord['eval']> } => !!s.eval,
  );
  const cats = CATEGORIES.filter((c) => evals.some((e) => e.eval.byCategory[c]));
  const k = evals[0]?.eval.samples ?? 0;
  const table = new Table({ head: ['round', 'after', ...cats, `avg@${k}`, `pass@${k}`, `maj@${k}`] });
  for (const e of evals) {
    table.push([
      e.round,
      e.stage.replace(/^evaluation\./, ''),
      ...cats.map((c) => pct(e.eval.byCategory[c]?.avgAtK)),
      pct(e.eval.overall.avgAtK),
      pct(e.eval.overall.passAtK),
      pct(e.eval.overall.majAtK),
    ]);
  }
  const simulated = evals.some((e) => e.eval.simulated);
  return `Accuracy per category (avg@${k}, %)${simulated ? ` — ${SIM_NOTE}` : ''}\n${table.toString()}`;
}

/** The synthesis funnel of each round, like the SwS paper's. */
export function funnelTable(status: RunStatus): string {
  const rounds = Object.keys(status.funnel);
  if (rounds.length === 0) return 'Synthesis funnel: (no synthesis yet)';
  const steps = Object.keys(status.funnel[rounds[0]!]!);
  const table = new Table({ head: ['step', ...rounds] });
  for (const step of steps) table.push([step, ...rounds.map((r) => status.funnel[r]![step] ?? '')]);
  return `Synthesis funnel\n${table.toString()}`;
}

/** GPU-hours and LLM tokens per stage, and the totals. */
export function costTable(status: RunStatus): string {
  const table = new Table({
    head: ['round', 'stage', 'cached', 'GPU-hours', 'LLM requests', 'prompt tokens', 'completion tokens'],
  });
  for (const s of status.stages) {
    table.push([
      s.round,
      s.stage,
      s.cached ? 'yes' : '',
      s.gpuHours === undefined ? '' : `${s.gpuHours.toFixed(2)}${s.simulated ? ' (sim)' : ''}`,
      s.llm?.requests ?? '',
      s.llm?.promptTokens ?? '',
      s.llm?.completionTokens ?? '',
    ]);
  }
  const t = status.totals;
  table.push([
    '',
    'total',
    '',
    t.gpuHours.toFixed(2),
    t.llm.requests,
    t.llm.promptTokens,
    t.llm.completionTokens,
  ]);
  return `Cost per stage\n${table.toString()}`;
}

/** One line per finished stage, for progress output. */
export function stageLine(s: StageRecord): string {
  const counts = Object.entries(s.counts)
    .filter(([k]) => !k.startsWith('elo '))
    .slice(0, 8)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const acc = s.eval
    ? ` avg@${s.eval.samples}=${pct(s.eval.overall.avgAtK)}%${s.eval.simulated ? ' (simulated)' : ''}`
    : '';
  const ckpt = s.checkpoint && !s.eval ? ` → ${s.checkpoint}` : '';
  return `r${s.round} ${s.stage}${s.cached ? ' [cached]' : ''}${ckpt}${acc} ${counts}`;
}

export function fullReport(status: RunStatus): string {
  return [accuracyTable(status), funnelTable(status), costTable(status)].join('\n\n');
}
