import { ray, rayConfig } from '../jobs/ray-cluster.js';
import { clusterLoopTests } from './cluster-loop.js';

// Against the local Ray head infra/ray.sh starts; submissions counted from Ray's own job list.
// Ray jobs run in the head's environment, not the worker's: the simulated trainer's settings
// (the harness sets them in the worker's) go along by name.
clusterLoopTests('ray', {
  backend: async () => ({ ...rayConfig, passEnv: ['DRILL_SIM_HOME', 'DRILL_SIM_TRAIN_SECONDS'] }),
  submitted: ray.submitted,
  clusterState: ray.state,
  running: 'RUNNING',
  cancelled: 'STOPPED',
});
