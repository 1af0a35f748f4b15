/**
 * `npm run release:bundle [-- --out FILE]`: the workflow code of this checkout as one prebuilt
 * file, the form a deploy ships (a worker loads it with DRILL_WORKFLOW_BUNDLE=FILE instead of
 * bundling its sources at start).
 *
 * Without --out it is the release step of "Deploying a new worker" in the README: the bundle of
 * the version in package.json goes to test/fixtures/releases/<version>/, beside that version's
 * recorded histories, and is never rebuilt — test/workflow/upgrade.test.ts starts a run on each
 * kept release and finishes it on the current code.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildWorkflowBundle } from '../workers/run.js';

export const RELEASES_DIR = fileURLToPath(new URL('../test/fixtures/releases/', import.meta.url));
export const RELEASE_BUNDLE = 'workflow-bundle.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  let out = values.out;
  if (!out) {
    const pkg = fileURLToPath(new URL('../package.json', import.meta.url));
    const { version } = JSON.parse(await readFile(pkg, 'utf8')) as { version: string };
    out = join(RELEASES_DIR, version, RELEASE_BUNDLE);
    // Runs of a released version may be in flight somewhere: its kept bundle is what they started on.
    if (existsSync(out))
      throw new Error(`${out} exists: a released version's bundle is kept; bump package.json's version`);
  }
  const { code } = await buildWorkflowBundle({ release: true });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, code);
  console.log(`${out}: ${(code.length / 1e6).toFixed(2)} MB`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    console.error(`release-bundle: ${err.message}`);
    process.exit(1);
  });
}
