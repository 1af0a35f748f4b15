import { Command } from 'commander';
import { createLogger, installRuntimeLogger } from './logger.js';
import { startWorkers } from './run.js';
import { loadSettings, parseQueues } from './settings.js';

/** `drill worker` / `npm run worker`: serve the chosen task queues until SIGINT/SIGTERM. */
export async function workerMain(argv: string[] = process.argv): Promise<void> {
  const program = new Command('drill-worker')
    .description('Serve drillmaster task queues')
    .option('--queues <list>', 'comma-separated task queues', 'orchestration,llm,gpu-jobs')
    .parse(argv);
  const settings = loadSettings();
  const logger = createLogger(settings.logLevel);
  installRuntimeLogger(logger, settings.metricsAddress);
  const queues = parseQueues(program.opts<{ queues: string }>().queues);
  const workers = await startWorkers({ settings, queues, logger });
  logger.info(
    {
      address: settings.temporalAddress,
      queues,
      metrics: settings.metricsAddress
        ? `http://${settings.metricsAddress}/metrics`
        : 'off (DRILL_METRICS_ADDRESS)',
    },
    'drillmaster worker running',
  );
  await workers.done;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  workerMain().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
