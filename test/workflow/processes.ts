import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Harness } from './harness.js';

const DRILL = fileURLToPath(new URL('../../bin/drill.js', import.meta.url));

/** A worker as its own OS process, so a test can SIGKILL it like a crashed machine; `env` overrides. */
export function spawnWorker(h: Harness, trainSeconds = 6, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [DRILL, 'worker'], {
    env: {
      ...process.env,
      DRILL_QUEUE_PREFIX: h.settings.queuePrefix,
      DRILL_LOG_LEVEL: 'warn',
      DRILL_SIM_TRAIN_SECONDS: String(trainSeconds),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function killWorker(worker: ChildProcess): Promise<void> {
  // A worker killed by a signal has no exit code, only a signal code: waiting for its exit again would never end.
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGKILL');
  await exited;
}

/** Polls `probe` until it returns a value. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  intervalMs = 200,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
