import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { CATEGORIES } from '../../schemas/config.js';
import type { RunStatus } from '../../contract/records.js';
import { reportCharts } from './charts.js';
import { planBesideActualGrids } from './plan-beside-actual.js';

/**
 * The run report: one self-contained HTML file (no network at view time), so it can be mailed or
 * attached to a ticket. Charts are Apache ECharts, inlined from node_modules: it draws every kind
 * the report needs (line, bar, funnel, heat map) in one file with no plugins, which Chart.js
 * (no funnel or heat map) and vega-embed (three libraries) would not.
 */
export interface ReportInput {
  status: RunStatus;
  /** Temporal's execution status: COMPLETED, RUNNING, FAILED, … */
  state: string;
  failure?: string;
  config: unknown;
  configDigest?: string;
  /** The run in the Temporal UI, where the writer knows it (a worker does not). */
  uiUrl?: string;
  generatedAt: Date;
}

const require = createRequire(import.meta.url);
const echartsSource = () => readFile(require.resolve('echarts/dist/echarts.min.js'), 'utf8');

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** JSON that is safe inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c ?? '')}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

const num = (x: number | undefined, digits = 0) => (x === undefined ? '' : x.toFixed(digits));

/** Every stage with its outcome: round, cache hit, main counts, GPU-hours, tokens and cost. */
function stagesTable(status: RunStatus): string {
  return table(
    ['round', 'stage', 'cached', 'checkpoint', 'counts', 'GPU-hours', 'LLM requests', 'tokens', 'cost (USD)'],
    status.stages.map((s) => [
      s.round + 1,
      s.stage,
      s.cached ? 'yes' : '',
      s.checkpoint ?? '',
      Object.entries(s.counts)
        .slice(0, 6)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
      num(s.gpuHours, 2),
      s.llm?.requests ?? '',
      s.llm ? s.llm.promptTokens + s.llm.completionTokens : '',
      num(s.llm?.costUsd, 2),
    ]),
  );
}

function accuracyTable(status: RunStatus): string {
  const evals = status.stages.filter((s) => s.eval);
  const cats = CATEGORIES.filter((c) => evals.some((e) => e.eval!.byCategory[c]));
  return table(
    ['round', 'after', ...cats, 'avg@k', 'pass@k', 'maj@k'],
    evals.map((e) => [
      e.round + 1,
      e.stage.replace(/^evaluation\./, ''),
      ...cats.map((c) => num(100 * (e.eval!.byCategory[c]?.avgAtK ?? NaN), 1).replace('NaN', '')),
      num(100 * e.eval!.overall.avgAtK, 1),
      num(100 * e.eval!.overall.passAtK, 1),
      num(100 * e.eval!.overall.majAtK, 1),
    ]),
  );
}

function lanesTable(status: RunStatus): string {
  return table(
    [
      'role',
      'endpoint',
      'model',
      'requests',
      'failed',
      'invalid',
      'prompt tokens',
      'completion tokens',
      'cost (USD)',
    ],
    status.totals.llm.lanes.map((l) => [
      l.role,
      l.endpoint,
      `${l.model}${l.simulated ? ' (simulated)' : ''}`,
      l.requests,
      l.failed,
      l.invalid,
      l.promptTokens,
      l.completionTokens,
      l.costUsd.toFixed(2),
    ]),
  );
}

/** `drill plan`'s figures for this run beside what it recorded ("≤": the plan's upper bounds). */
function planSection(config: unknown, status: RunStatus): string {
  const grids = planBesideActualGrids(config, status);
  if ('missing' in grids) return `<p>No plan: ${esc(grids.missing)}.</p>`;
  return `<p>The plan is <code>drill plan</code> for this config and the dataset sizes the run ingested;
"≤" marks its upper bounds (what the funnel keeps is unknown before the run).</p>
<h3>LLM requests and tokens per role</h3>
${table(grids.roles.head, grids.roles.rows)}
<h3>Training jobs</h3>
${table(grids.jobs.head, grids.jobs.rows)}`;
}

/** Whether any figure of the run came from the simulator. */
export function isSimulated(status: RunStatus): boolean {
  return (
    status.stages.some((s) => s.simulated || s.eval?.simulated) ||
    status.totals.llm.lanes.some((l) => l.simulated)
  );
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1em 2em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.sim { background: #fde7ea; border: 2px solid #b00020; color: #b00020; font-weight: bold; padding: 0.6em 1em; }
.meta td:first-child { color: #666; padding-right: 1em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.chart { width: 100%; margin: 1em 0; }
pre { background: #f6f6f6; padding: 1em; overflow: auto; max-height: 40em; font-size: 12px; }
`;

export async function renderReport(r: ReportInput): Promise<string> {
  const { status } = r;
  const simulated = isSimulated(status);
  const charts = reportCharts(status, simulated);
  const meta: [string, string][] = [
    ['state', `${r.state.toLowerCase().replace(/_/g, ' ')}${r.failure ? `: ${r.failure}` : ''}`],
    ['round', `${status.round + 1} of ${status.rounds}`],
    ['current stage', status.stage ?? '-'],
    ['checkpoint', status.checkpoint],
    ['GPU-hours', status.totals.gpuHours.toFixed(2)],
    ['LLM requests', String(status.totals.llm.requests)],
    ['tokens', String(status.totals.llm.promptTokens + status.totals.llm.completionTokens)],
    ['LLM cost (USD)', status.totals.llm.costUsd.toFixed(2)],
    ['config digest (sha256)', r.configDigest ?? ''],
    ['generated', r.generatedAt.toISOString()],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>drillmaster run ${esc(status.runId)}</title>
<style>${STYLE}</style>
</head><body>
<h1>drillmaster run ${esc(status.runId)}</h1>
${simulated ? '<p class="sim" id="simulated">SIMULATED: the figures in this report come from the in-repo simulator, not a real model or GPU.</p>' : ''}
${r.uiUrl ? `<p><a href="${esc(r.uiUrl)}">This run in the Temporal UI</a></p>` : ''}
<table class="meta">${meta.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Stages</h2>
${stagesTable(status)}
<h2>Charts</h2>
${charts.map((c) => `<div class="chart" id="${c.id}" style="height:${c.height}px" title="${esc(c.title)}"></div>`).join('\n')}
<h2>Accuracy per category (%)${simulated ? ' — SIMULATED' : ''}</h2>
${accuracyTable(status)}
<h2>LLM usage per role, endpoint and model${simulated ? ' — SIMULATED' : ''}</h2>
${lanesTable(status)}
<h2>Plan beside actual${simulated ? ' — SIMULATED' : ''}</h2>
${planSection(r.config, status)}
<h2>Config</h2>
<pre>${esc(JSON.stringify(r.config, null, 2))}</pre>
<script>${await echartsSource()}</script>
<script type="application/json" id="charts">${scriptJson(charts.map((c) => ({ id: c.id, option: c.option })))}</script>
<script>
for (const c of JSON.parse(document.getElementById('charts').textContent)) {
  echarts.init(document.getElementById(c.id), null, { renderer: 'svg' }).setOption(c.option);
}
</script>
</body></html>
`;
}
