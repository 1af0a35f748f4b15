#!/usr/bin/env bash
# npm run demo: installs what is missing, starts the dev stack (Temporal + S3), then runs the whole
# loop with the simulator standing in for models and GPUs. Extra arguments go to `drill demo`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[[ -d node_modules ]] || npm install --no-fund --no-audit
bash infra/stack.sh start
# `--backend slurm` runs the training jobs on the one-node Slurm of infra/slurm.sh.
for arg in "$@"; do [[ "$arg" == slurm || "$arg" == --backend=slurm ]] && bash infra/slurm.sh start; done
# shellcheck source=/dev/null
source .drill/stack/env
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
exec node bin/drill.js demo "$@"
