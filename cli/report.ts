import Table from 'cli-table3';
import { CATEGORIES } from '../schemas/config.js';
import type { LlmUsage } from '../core/usage.js';
import type { StageRecord } from '../contract/records.js';
import type { RunStatus } from '../workflows/contract.js';
import type { RunRow } from './list.js';

/** Plain tables when the output is not a terminal (logs, CI), coloured headers when it is. */
const table = (head: (string | number)[]) =>
  new Table({ head: head.map(String), ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }) });

const pct = (x: number | undefined) => (x === undefined ? '' : (100 * x).toFixed(1));
const SIM_NOTE = 'SIMULATED: figures come from the in-repo simulator, not a real model or GPU';

/** Accuracy per category after each stage that produced a checkpoint. */
export function accuracyTable(status: RunStatus): string {
  const evals = status.stages.filter(
    (s): s is StageRecord & { eval: NonNullable<StageRecord['eval']> } => !!s.eval,
  );
  const cats = CATEGORIES.filter((c) => evals.some((e) => e.eval.byCategory[c]));
  const k = evals[0]?.eval.samples ?? 0;
  const t = table(['round', 'after', ...cats, `avg@${k}`, `pass@${k}`, `maj@${k}`]);
  for (const e of evals) {
    t.push([
      e.round,
      e.stage.replace(/^evaluation\./, ''),
      ...cats.map((c) => pct(e.eval.byCategory[c]?.avgAtK)),
      pct(e.eval.overall.avgAtK),
      pct(e.eval.overall.passAtK),
      pct(e.eval.overall.majAtK),
    ]);
  }
  const simulated = evals.some((e) => e.eval.simulated);
  return `Accuracy per category (avg@${k}, %)${simulated ? ` — ${SIM_NOTE}` : ''}\n${t.toString()}`;
}

/**
 * The synthesis funnel of each round, like the SwS paper's: one table per kind of funnel (`round N`
 * for SwS, `round N exam` for the WarriorMath exam), since their steps differ.
 */
export function funnelTable(status: RunStatus): string {
  const rounds = Object.keys(status.funnel);
  if (rounds.length === 0) return 'Synthesis funnel: (no synthesis yet)';
  const kindOf = (r: string) => r.replace(/^round \d+ ?/, '');
  return [...new Set(rounds.map(kindOf))]
    .map((kind) => {
      const columns = rounds.filter((r) => kindOf(r) === kind);
      // Rounds may run different steps (e.g. fewer refinements): every step of any column gets a row.
      const steps = [...new Set(columns.flatMap((r) => Object.keys(status.funnel[r]!)))];
      const t = table(['step', ...columns]);
      for (const step of steps) t.push([step, ...columns.map((r) => status.funnel[r]![step] ?? '')]);
      return `Synthesis funnel${kind ? ` (${kind})` : ''}\n${t.toString()}`;
    })
    .join('\n\n');
}

/** The LLM figures every cost table shows, in this order. */
const LLM_COLUMNS = ['LLM requests', 'failed', 'invalid', 'prompt tokens', 'completion tokens', 'cost (USD)'];

/** GPU-hours and LLM calls, failures, tokens and cost per stage, and the totals. */
export function costTable(status: RunStatus): string {
  const t = table(['round', 'stage', 'cached', 'GPU-hours', ...LLM_COLUMNS]);
  for (const s of status.stages) {
    t.push([
      s.round,
      s.stage,
      s.cached ? 'yes' : '',
      s.gpuHours === undefined ? '' : `${s.gpuHours.toFixed(2)}${s.simulated ? ' (sim)' : ''}`,
      ...(s.llm ? llmFigures(s.llm) : LLM_COLUMNS.map(() => '')),
    ]);
  }
  const totals = status.totals;
  t.push(['', 'total', '', totals.gpuHours.toFixed(2), ...llmFigures(totals.llm)]);
  return `Cost per stage\n${t.toString()}`;
}

/** The run's LLM accounting per role, endpoint and model (the student's per checkpoint). */
export function laneTable(status: RunStatus): string {
  const t = table(['role', 'endpoint', 'model', ...LLM_COLUMNS]);
  for (const lane of status.totals.llm.lanes)
    t.push([lane.role, lane.endpoint, `${lane.model}${lane.simulated ? ' (sim)' : ''}`, ...llmFigures(lane)]);
  return `LLM usage per role and model\n${t.toString()}`;
}

/** An LlmUsage as cells under LLM_COLUMNS. */
function llmFigures(u: LlmUsage): (string | number)[] {
  return [u.requests, u.failed, u.invalid, u.promptTokens, u.completionTokens, u.costUsd.toFixed(2)];
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
  return [accuracyTable(status), funnelTable(status), costTable(status), laneTable(status)].join('\n\n');
}

/** `drill list`: one row per run. */
export function runsTable(rows: RunRow[]): string {
  const t = table(['run', 'state', 'stage', 'round', 'model', 'started (UTC)']);
  for (const r of rows)
    t.push([
      r.runId,
      r.state.toLowerCase().replace(/_/g, ' '),
      r.stage,
      r.round === undefined ? '-' : r.round + 1,
      r.model,
      r.started.toISOString().replace('T', ' ').slice(0, 19),
    ]);
  return t.toString();
}
