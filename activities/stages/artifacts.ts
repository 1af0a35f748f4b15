import type { ArtifactRef } from '../../schemas/artifact.js';
import type { ArtifactStore } from '../storage/store.js';

/** What the data steps share: reading an artifact's records, and counting what they keep or drop. */

export type Counts = Record<string, number>;

export async function* records<T>(store: ArtifactStore, ref: ArtifactRef): AsyncIterable<T> {
  yield* store.readJsonl(ref) as AsyncIterable<T>;
}

export const bump = (c: Counts, k: string, by = 1) => void (c[k] = (c[k] ?? 0) + by);
