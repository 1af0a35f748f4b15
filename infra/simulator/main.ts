/**
 * Serves the simulated models: `npx tsx infra/simulator/main.ts --port 8000 --home .drill/sim`.
 * Every answer and figure it gives is SIMULATED.
 */
import { parseArgs } from 'node:util';
import { createModelStore } from './model-store.js';
import { startSimulator } from './server.js';

function parseSimulatorArgs(argv: readonly string[]): { port: number; home: string; latencyMs: number } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '8000' },
      home: { type: 'string', default: process.env.DRILL_SIM_HOME ?? '.drill/sim' },
      'latency-ms': { type: 'string', default: '0' },
    },
  });
  const port = Number(values.port);
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0–65535, got ${values.port}`);
  if (!(latencyMs >= 0))
    throw new Error(`--latency-ms must be a non-negative number, got ${values['latency-ms']}`);
  return { port, home: values.home, latencyMs };
}

async function main(): Promise<void> {
  const opts = parseSimulatorArgs(process.argv.slice(2));
  const sim = await startSimulator(opts);
  console.log(
    `simulator listening on ${sim.url} (simulated models: ${createModelStore(opts.home).names().join(', ')})`,
  );
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`simulator: ${(error as Error).message}`);
  process.exit(2);
});
