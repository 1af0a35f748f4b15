/**
 * Store keys are relative, slash-separated paths, the same on every backend so an artifact layout
 * moves between file:// and s3:// unchanged. Names starting with TEMP_PREFIX are reserved for the
 * file store's in-flight writes.
 */
export const TEMP_PREFIX = '.drill-tmp-';

const BAD_SEGMENT = /^(|\.|\.\.)$/;

/** Control bytes (NUL included): they end C strings in file APIs and corrupt listings and logs. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** "s3:", "file:", "c:": a first segment a URI parser or Windows would read as a scheme or drive. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function segmentProblem(segment: string): string | undefined {
  if (BAD_SEGMENT.test(segment)) return `empty, "." or ".." segment`;
  if (segment.startsWith(TEMP_PREFIX)) return `segment starts with the reserved "${TEMP_PREFIX}"`;
  if (segment.includes('\\')) return 'backslash in segment';
  if (CONTROL.test(segment)) return 'control character (NUL, newline, …) in segment';
  return undefined;
}

function keyProblem(key: string): string | undefined {
  if (key.startsWith('/')) return 'leading "/" (keys are relative to the store root)';
  if (SCHEME.test(key))
    return 'starts like a URI scheme or drive ("s3:", "file:", "c:"): keys are paths in this store';
  return key
    .split('/')
    .map(segmentProblem)
    .find((p) => p !== undefined);
}

/** Throws unless key is a usable store key, e.g. "runs/r1/rollouts.jsonl". */
export function assertKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new Error(`invalid store key ${JSON.stringify(key)}: ${problem}`);
}

/** A list prefix is a key whose last segment may be partial or empty ("", "runs/", "runs/r1/roll"). */
export function assertPrefix(prefix: string): void {
  const lastSlash = prefix.lastIndexOf('/');
  const problem =
    lastSlash >= 0
      ? keyProblem(prefix.slice(0, lastSlash))
      : prefix === '.' || prefix === '..'
        ? '"." or ".." segment'
        : undefined;
  if (problem) throw new Error(`invalid store prefix ${JSON.stringify(prefix)}: ${problem}`);
}
