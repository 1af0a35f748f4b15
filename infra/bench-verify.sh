#!/usr/bin/env bash
# Verifier benchmark: installs HuggingFace math-verify into the repo's .venv (from PyPI), then
# grades MATH-500 pairs with it and with core/verify in one run and prints one JSON line.
# Usage: bash infra/bench-verify.sh [path/to/math500.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c 'import math_verify' 2>/dev/null || .venv/bin/pip install --quiet 'math-verify==0.9.0'
exec npx tsx test/bench/verify.bench.ts "$@"
