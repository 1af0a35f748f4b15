import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { alive } from './job-faults.js';

/**
 * Faults on the dev stack that infra/stack.sh started: the Temporal dev server and SeaweedFS each
 * run as a process group whose id is in `.drill/stack/<name>.pid`. Both come back through
 * `infra/stack.sh start`, which starts only what is not running (Temporal keeps its history in
 * the --db-filename file, SeaweedFS its data in its folder); each fault restarts its own service only.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

async function groupOf(service: 'temporal' | 'seaweed'): Promise<number> {
  const pid = Number((await readFile(join(ROOT, '.drill/stack', `${service}.pid`), 'utf8')).trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`.drill/stack/${service}.pid holds no pid`);
  return pid;
}

async function signalAndWait(pgid: number, signal: NodeJS.Signals): Promise<void> {
  process.kill(-pgid, signal);
  for (let i = 0; alive(pgid); i++) {
    if (i === 300) process.kill(-pgid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts one service again; the other may be down at the same moment (faults overlap). */
async function restart(service: 'temporal' | 'seaweed'): Promise<void> {
  await run('bash', [join(ROOT, 'infra/stack.sh'), 'start', service], { cwd: ROOT, maxBuffer: 1 << 20 });
}

/** SIGKILLs the Temporal server (a crash: no shutdown), then starts it again on its database. */
export async function crashTemporal(): Promise<void> {
  await signalAndWait(await groupOf('temporal'), 'SIGKILL');
  await restart('temporal');
}

/** Stops the S3 server for `seconds` (every request is refused meanwhile), then starts it again. */
export async function s3Outage(seconds: number): Promise<void> {
  await signalAndWait(await groupOf('seaweed'), 'SIGTERM');
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await restart('seaweed');
}
