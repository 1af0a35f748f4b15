import { existsSync } from 'node:fs';

/** Debian's chromium, installed by infra/chromium.sh (.ci/run calls it). */
export function chromiumPath(): string {
  const found = [process.env.DRILL_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p) => p && existsSync(p),
  );
  if (!found) throw new Error('no chromium: run `bash infra/chromium.sh` (as root) first');
  return found;
}
