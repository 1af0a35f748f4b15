#!/usr/bin/env bash
# The README's test command (npm test): static checks, then every test file against the real dev
# stack (Temporal dev server, SeaweedFS S3). The stack is left running for the next run unless
# DRILL_STACK_STOP=1. Exit code: the first failing step's, else the test runner's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

npm run check

bash infra/stack.sh start
# The job backends' tests run against a real one-node Slurm (machine-wide, needs root) and a real
# local Ray head (this clone's own, on its own ports).
bash infra/slurm.sh start
bash infra/ray.sh start
# shellcheck source=/dev/null
source .drill/stack/env
# shellcheck source=/dev/null
source .drill/ray/env
if [[ "${DRILL_STACK_STOP:-0}" == 1 ]]; then
  trap 'rc=$?; bash infra/stack.sh stop || true; bash infra/slurm.sh stop || true; bash infra/ray.sh stop || true; exit $rc' EXIT
fi

# The project runs on Node 20 on purpose (engines); the AWS SDK's notice that SDK releases after
# January 2027 will need Node 22 would otherwise repeat in every test file's output.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

mapfile -t files < <(find test -path test/bench -prune -o -name '*.test.ts' -print | sort)
if ((${#files[@]} == 0)); then
  echo "[test] no test/**/*.test.ts files found" >&2
  exit 1
fi

status=0
# A file that hangs is cancelled after 30 min (the real-training round takes ~10 on an idle 2-core
# machine) and counted as failed, so the remaining files still run and the summary is printed.
node --import tsx --test --test-concurrency=1 --test-timeout=1800000 --test-reporter=spec "${files[@]}" || status=$?

if [[ "${DRILL_STACK_STOP:-0}" != 1 ]]; then
  echo "[test] the dev stack is still running (bash infra/stack.sh stop to stop it; DRILL_STACK_STOP=1 stops it after tests)" >&2
fi
exit "$status"
