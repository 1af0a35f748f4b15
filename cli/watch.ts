import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import cliProgress from 'cli-progress';
import { Progress } from '../activities/llm/part-layout.js';
import type { StageRecord } from '../contract/records.js';
import { stageWorkflowId, type RunStatus } from '../workflows/contract.js';
import { stageLine } from './report.js';
import type { RunView } from './run-status.js';

/** One running activity of the current stage, as its last heartbeat describes it. */
export interface ActivityProgress {
  key: string;
  label: string;
  attempt: number;
  done?: number;
  total?: number;
  rate?: number;
  inFlight?: number;
  /** Age of the oldest call in flight: a straggler shows here. */
  oldestInFlightMs?: number;
  /** A training job's name and state (its heartbeat carries no item counts). */
  job?: { name: string; state: string };
}

/**
 * The pending activities of a run's current stage, read from the stage workflow's description:
 * Temporal keeps each activity's last heartbeat details there, so no worker needs to answer.
 */
export async function stageProgress(client: Client, status: RunStatus): Promise<ActivityProgress[]> {
  if (!status.stage) return [];
  const desc = await client.workflow
    .getHandle(stageWorkflowId(status.runId, status.round, status.stage))
    .describe();
  return (desc.raw.pendingActivities ?? []).map((pa) => {
    const payload = pa.heartbeatDetails?.payloads?.[0];
    const details: unknown = payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
    const progress = Progress.safeParse(details);
    const job = details as { jobName?: string; state?: string } | undefined;
    return {
      key: `${status.stage}/${pa.activityId}`,
      label: `r${status.round} ${status.stage} · ${pa.activityType?.name ?? 'activity'}`,
      attempt: pa.attempt ?? 1,
      ...(progress.success ? progress.data : {}),
      ...(job?.jobName ? { job: { name: job.jobName, state: job.state ?? '?' } } : {}),
    };
  });
}

const clock = (s: number) =>
  `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** Items done of total, rate, ETA and calls in flight, as one line's tail. */
export function progressText(p: ActivityProgress): string {
  if (p.job) return `training job ${p.job.name}: ${p.job.state}`;
  if (p.done === undefined || !p.total) return 'started, no progress reported yet';
  const parts = [`${p.done}/${p.total} items (${((100 * p.done) / p.total).toFixed(0)}%)`];
  if (p.rate !== undefined) {
    parts.push(`${p.rate.toFixed(1)}/s`);
    if (p.rate > 0) parts.push(`ETA ${clock((p.total - p.done) / p.rate)}`);
  }
  if (p.inFlight !== undefined) {
    const oldest = p.inFlight > 0 && p.oldestInFlightMs ? `, oldest ${clock(p.oldestInFlightMs / 1000)}` : '';
    parts.push(`${p.inFlight} calls in flight${oldest}`);
  }
  return parts.join(' · ');
}

const attemptNote = (p: ActivityProgress) => (p.attempt > 1 ? ` (attempt ${p.attempt})` : '');

export interface ProgressView {
  onStage: (s: StageRecord, status: RunStatus) => void;
  onTick: (view: RunView) => Promise<void>;
  finish: () => void;
}

/**
 * Live progress per stage. On a terminal, one cli-progress bar per running activity below the
 * finished stages' lines; elsewhere (logs, CI, a pipe) a plain line whenever an activity's
 * progress changes.
 */
export function progressView(client: Client, tty = !!process.stdout.isTTY): ProgressView {
  const progressOf = async (view: RunView) => {
    try {
      return await stageProgress(client, view.status);
    } catch {
      return []; // the stage workflow may not exist yet; the next tick sees it
    }
  };
  if (!tty) {
    const last = new Map<string, string>();
    return {
      onStage: (s) => console.log(stageLine(s)),
      async onTick(view) {
        for (const p of await progressOf(view)) {
          const line = `${p.label}${attemptNote(p)}: ${progressText(p)}`;
          if (last.get(p.key) !== line) console.log(line);
          last.set(p.key, line);
        }
      },
      finish: () => {},
    };
  }
  const bars = new cliProgress.MultiBar(
    { format: ' {bar} {label} | {text}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const open = new Map<string, cliProgress.SingleBar>();
  return {
    onStage: (s) => bars.log(`${stageLine(s)}\n`),
    async onTick(view) {
      const now = await progressOf(view);
      for (const [key, bar] of open)
        if (!now.some((p) => p.key === key)) {
          bars.remove(bar);
          open.delete(key);
        }
      for (const p of now) {
        const payload = { label: `${p.label}${attemptNote(p)}`, text: progressText(p) };
        const bar = open.get(p.key) ?? bars.create(p.total || 1, 0, payload);
        open.set(p.key, bar);
        if (p.total) bar.setTotal(p.total);
        bar.update(p.done ?? 0, payload);
      }
    },
    finish: () => bars.stop(),
  };
}
