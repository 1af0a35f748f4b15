import { backendConformance } from './suite.js';
import { ray } from './ray-cluster.js';

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
