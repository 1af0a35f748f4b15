import { createHash } from 'node:crypto';
import type { RunStatus } from '../../contract/records.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { RunConfig, StoreConfig } from '../../schemas/config.js';
import type { ActivityDeps } from '../deps.js';
import { renderReport } from './html.js';

/** The sha256 of a config's canonical JSON: the memo carries it, so a run names what it ran. */
export const configDigest = (config: RunConfig) =>
  createHash('sha256').update(JSON.stringify(config)).digest('hex');

/**
 * The end of a run: its HTML report (the one `drill report` writes) as an artifact in the run's
 * store, so the memo can point at it and the report outlives the Temporal server's retention.
 * The key carries the report's hash, so a later report of the same run never replaces this one.
 */
export function createReportActivities(deps: ActivityDeps) {
  return {
    async writeRunReport(input: {
      store: StoreConfig;
      status: RunStatus;
      config: RunConfig;
    }): Promise<{ report: ArtifactRef; configDigest: string }> {
      const digest = configDigest(input.config);
      const html = await renderReport({
        status: input.status,
        state: input.status.phase === 'completed' ? 'COMPLETED' : 'RUNNING',
        config: input.config,
        configDigest: digest,
        generatedAt: deps.clock(),
      });
      const sha = createHash('sha256').update(html).digest('hex');
      const store = deps.storeFor(input.store);
      const report = await store.writeText(
        `reports/${input.status.runId}/report-${sha.slice(0, 16)}.html`,
        html,
        'RunReport',
      );
      return { report, configDigest: digest };
    },
  };
}
