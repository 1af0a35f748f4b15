/**
 * Stable hashing: every simulated outcome is a pure function of (seed, model, text, sample), so
 * reruns and replays see the same answers. FNV-1a is enough: we need spread, not security.
 */
export function hash32(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform draw in [0, 1) determined by its parts. */
export function unit(...parts: readonly (string | number)[]): number {
  return mix(hash32(...parts)) / 0x1_0000_0000;
}

/** murmur3's finaliser: FNV's low bits are weak on short inputs. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
