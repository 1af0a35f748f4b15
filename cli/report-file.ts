import type { Client } from '@temporalio/client';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Settings } from '../workers/settings.js';
import { workflowUiUrl } from './client.js';
import { renderReport } from '../activities/report/html.js';
import { readRun } from './run-status.js';

/** Where `drill report` writes unless told otherwise. */
export const defaultReportPath = (runId: string) =>
  join('.drill', 'reports', `${runId.replace(/[^\w.-]/g, '_')}.html`);

/** Writes a run's HTML report (any state, with or without a worker) and returns its absolute path. */
export async function writeRunReport(
  client: Client,
  settings: Settings,
  runId: string,
  out?: string,
): Promise<string> {
  const view = await readRun(client, runId);
  const html = await renderReport({
    status: view.status,
    state: view.state,
    failure: view.failure,
    config: view.config,
    configDigest: typeof view.memo.configDigest === 'string' ? view.memo.configDigest : undefined,
    uiUrl: workflowUiUrl(settings, runId),
    generatedAt: new Date(),
  });
  const path = resolve(out ?? defaultReportPath(runId));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, html);
  return path;
}
