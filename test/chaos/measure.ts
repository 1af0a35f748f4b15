import type { RunStatus } from '../../workflows/contract.js';

/**
 * Every final artifact of a run by stage, as `sha256 × count`, plus each stage's checkpoint:
 * what a faulty run must reproduce byte for byte.
 */
export function artifactDigests(status: RunStatus): Map<string, string> {
  const digests = new Map<string, string>();
  for (const s of status.stages) {
    const at = `r${s.round}/${s.stage}`;
    if (s.checkpoint !== undefined) digests.set(`${at}/checkpoint`, s.checkpoint);
    for (const [name, ref] of Object.entries(s.artifacts ?? {}))
      digests.set(`${at}/${name}`, `${ref.sha256} × ${ref.count}`);
  }
  return digests;
}

/** Names whose digest differs between the runs, or that only one run has. */
export function differing(reference: Map<string, string>, other: Map<string, string>): string[] {
  const names = new Set([...reference.keys(), ...other.keys()]);
  return [...names].filter((n) => reference.get(n) !== other.get(n)).sort();
}

/**
 * LLM calls the run's own accounts explain: one per request plus its retries and repair re-asks
 * (core/usage.ts). What the endpoint received beyond that was sent again after an interruption.
 */
export function accountedCalls(status: RunStatus): number {
  return status.stages.reduce((n, s) => n + (s.llm ? s.llm.requests + s.llm.retries : 0), 0);
}
