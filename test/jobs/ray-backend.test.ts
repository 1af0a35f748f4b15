import assert from 'node:assert/strict';
import { it } from 'node:test';
import { request } from 'undici';
import { backendConformance, waitFor } from './suite.js';
import { ray, rayConfig } from './ray-cluster.js';
import { testSpec } from './spec.js';

// Against the local Ray head infra/ray.sh starts (one node, 8 stand-in GPUs).
backendConformance('ray', async () => ({
  backend: ray.backend,
  submissions: ray.submissions,
  refusals: [
    { spec: { resources: { nodes: 1, gpusPerNode: 16 } }, field: 'resources.gpusPerNode' },
    { spec: { resources: { nodes: 4, gpusPerNode: 1 } }, field: 'resources.nodes' },
  ],
  settleSeconds: 3,
  close: async () => undefined,
}));

// Heartbeats ask for a job's last lines often, and a training job's log grows to many MB: only
// the tail travels. Printed beside it: the whole log, as Ray's Jobs API `/logs` would send it.
void it('logs() returns the last lines of a long log without fetching all of it', async () => {
  const backend = ray.backend();
  const spec = testSpec(`ray-tail-${Date.now().toString(36)}${process.pid}`);
  const { handle } = await backend.submit(spec, [
    'python3',
    '-c',
    'for i in range(200000): print("line", i)',
  ]);
  assert.equal((await waitFor(backend, handle, ['succeeded', 'failed'], 120)).state, 'succeeded');
  assert.equal(await backend.logs(handle, 3), 'line 199997\nline 199998\nline 199999');
  // Five alternating pairs: the backend's tail, and Ray's whole log through the Jobs API.
  const tailMs: number[] = [];
  const wholeMs: number[] = [];
  let wholeBytes = 0;
  for (let i = 0; i < 5; i++) {
    let t0 = performance.now();
    await backend.logs(handle, 20);
    tailMs.push(performance.now() - t0);
    t0 = performance.now();
    wholeBytes = (await (await request(`${rayConfig.address}/api/jobs/${handle.id}/logs`)).body.text())
      .length;
    wholeMs.push(performance.now() - t0);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[2]!.toFixed(0);
  console.log(
    `[ray logs] last 20 lines: median ${median(tailMs)} ms; whole log (${wholeBytes} B): median ${median(wholeMs)} ms`,
  );
  assert.equal(await backend.logs(handle, 1), 'line 199999');
});
