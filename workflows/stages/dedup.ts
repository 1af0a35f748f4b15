import type { ArtifactRef } from '../../schemas/artifact.js';
import { orchestration } from '../proxies.js';
import type { StageContext } from '../stage-context.js';

/**
 * Near-duplicate removal and decontamination of a stage's synthetic set; what it drops is added
 * to `counts` under `dedup …`.
 */
export async function dedupInto(
  ctx: StageContext,
  synthetic: ArtifactRef,
  against: ArtifactRef[],
  counts: Record<string, number>,
) {
  const deduped = await orchestration().dedupAndDecontaminate({
    store: ctx.config.store,
    synthetic,
    against,
    seed: ctx.config.seed,
  });
  for (const [k, v] of Object.entries(deduped.counts)) if (k.startsWith('dropped')) counts[`dedup ${k}`] = v;
  return deduped;
}
