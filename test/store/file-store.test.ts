import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFileStore } from '../../activities/storage/file-store.js';
import { TEMP_PREFIX } from '../../activities/storage/keys.js';
import { storeSuite } from './suite.js';

async function tempFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.startsWith(TEMP_PREFIX))
    .map((e) => join(e.parentPath, e.name));
}

storeSuite('file://', async () => {
  const root = await mkdtemp(join(tmpdir(), 'drill-file-store-'));
  return {
    store: createFileStore(root),
    async rawPut(key, bytes) {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), bytes);
    },
    async waitInFlight() {
      // The bytes land in a temp file beside the target while the target itself is untouched.
      for (;;) {
        for (const file of await tempFiles(root)) if ((await stat(file)).size > 0) return;
        await sleep(10);
      }
    },
    leftovers: () => tempFiles(root),
    partBytes: 5 * 1024 * 1024,
    close: () => rm(root, { recursive: true, force: true }),
  };
});
