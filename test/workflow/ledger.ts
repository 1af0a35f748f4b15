import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every ledger entry of a file store: one per time a step's output was actually produced. */
export async function ledger(root: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const dir = join(root, 'ledger');
  for (const step of await readdir(dir)) {
    for (const key of await readdir(join(dir, step)))
      counts.set(`${step}/${key}`, (await readdir(join(dir, step, key))).length);
  }
  return counts;
}
