import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ArtifactRef } from '../schemas/artifact.js';
import type { ArtifactStore } from './storage/store.js';

/**
 * Stage outputs are addressed by content: the key hashes the step name, the config slice it
 * reads and the hashes of its inputs. A finished step's manifest is found before any work
 * starts, so a retry, a restarted worker or a second run never pays for the same output twice.
 */

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface StepIdentity {
  step: string;
  /** The config values the step reads (and the prompt version, for LLM steps). */
  params: unknown;
  inputs: (ArtifactRef | undefined)[];
}

export function stepKey(id: StepIdentity): string {
  const material = stableStringify({
    step: id.step,
    params: id.params,
    inputs: id.inputs.map((r) => r?.sha256 ?? null),
  });
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}

export interface StepManifest<O> {
  step: string;
  key: string;
  output: O;
  producedAt: string;
}

export interface CachedResult<O> {
  output: O;
  cached: boolean;
  key: string;
}

/**
 * Runs `produce` unless the step's manifest exists. `produce` gets the folder (store key prefix)
 * its artifacts belong in. After producing, one ledger entry per production is written, so tests
 * and operators can see that no output was ever produced twice.
 */
export async function cachedStep<O>(
  store: ArtifactStore,
  id: StepIdentity,
  produce: (outPrefix: string, key: string) => Promise<O>,
  clock: () => Date = () => new Date(),
): Promise<CachedResult<O>> {
  const key = stepKey(id);
  const manifestKey = `cache/${id.step}/${key}.json`;
  const existing = await store.getText(manifestKey);
  if (existing !== undefined) {
    return { output: (JSON.parse(existing) as StepManifest<O>).output, cached: true, key };
  }
  const output = await produce(`artifacts/${id.step}/${key}`, key);
  const manifest: StepManifest<O> = { step: id.step, key, output, producedAt: clock().toISOString() };
  await store.putText(
    `ledger/${id.step}/${key}/${clock().getTime()}-${randomUUID()}.json`,
    JSON.stringify({ host: hostname(), pid: process.pid }),
  );
  const won = await store.putText(manifestKey, JSON.stringify(manifest), { ifAbsent: true });
  if (!won) {
    // A concurrent attempt finished first: its output is the one of record.
    const first = JSON.parse((await store.getText(manifestKey))!) as StepManifest<O>;
    return { output: first.output, cached: true, key };
  }
  return { output, cached: false, key };
}
