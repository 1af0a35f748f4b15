#!/usr/bin/env bash
# KCenterGreedy benchmark: installs numpy into the repo's .venv (from PyPI), then times our
# KCenterGreedy and numpy's matrix-vector form on the same seeded data in one run.
# Usage: bash infra/bench-kcenter.sh [n d k reps]   (default 100000 384 100 5: medians of 5 alternating pairs)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c 'import numpy' 2>/dev/null || .venv/bin/pip install --quiet 'numpy==2.2.6'
exec npx tsx test/bench/kcenter.bench.ts "$@"
