import { ingestedSizes, planBesideActual } from '../../core/plan-actual.js';
import { planRun } from '../../core/plan.js';
import type { RunStatus } from '../../contract/records.js';
import { RunConfig } from '../../schemas/config.js';

/** A table as the report draws it: header cells and rows of cells. */
export interface Grid {
  head: string[];
  rows: (string | number)[][];
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const atMost = (bound: string, text: string) => (bound === 'at most' ? `≤ ${text}` : text);

/**
 * The report's plan beside actual: `drill plan`'s figures for the run's config and the dataset
 * sizes it ingested, next to what its finished stages recorded. Undefined, with the reason, when
 * the config does not parse or nothing has been ingested yet.
 */
export function planBesideActualGrids(
  config: unknown,
  status: RunStatus,
): { roles: Grid; jobs: Grid } | { missing: string } {
  const parsed = RunConfig.safeParse(config);
  if (!parsed.success) return { missing: "the run's config is not readable as a RunConfig" };
  const sizes = ingestedSizes(status.stages);
  if (!sizes) return { missing: 'the dataset sizes are known once the ingest stage has finished' };
  const cmp = planBesideActual(planRun(parsed.data, sizes), status.stages);
  return {
    roles: {
      head: [
        'role',
        'requests planned',
        'requests actual',
        'prompt tokens planned',
        'prompt tokens actual',
        'completion tokens planned',
        'completion tokens actual',
      ],
      rows: cmp.roles.map((r) => [
        r.role,
        atMost(r.planned.bound, int(r.planned.requests)),
        int(r.actual.requests),
        atMost(r.planned.bound, int(r.planned.promptTokens)),
        int(r.actual.promptTokens),
        // completion tokens are n × max tokens: always an upper bound
        `≤ ${int(r.planned.completionTokens)}`,
        int(r.actual.completionTokens),
      ]),
    },
    jobs: {
      head: [
        'round',
        'stage',
        'examples planned',
        'examples actual',
        'GPU-hours planned',
        'GPU-hours actual',
      ],
      rows: cmp.jobs.map((j) => [
        j.round + 1,
        j.stage,
        j.planned ? atMost(j.planned.bound, int(j.planned.examples)) : '',
        j.actual?.examples === undefined ? '' : int(j.actual.examples),
        j.planned ? atMost(j.planned.bound, j.planned.gpuHours.toFixed(3)) : '',
        j.actual ? j.actual.gpuHours.toFixed(3) : '',
      ]),
    },
  };
}
