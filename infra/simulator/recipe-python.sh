#!/usr/bin/env bash
# Stands in for the trainers' python on the simulator: with `jobs.trainer: {kind: trl, python: <this
# file>}` a job runs `<this file> trainers/<recipe>.py <spec.json>`, and this runs the spec on the
# simulated trainer instead (infra/simulator/trainer.ts), serve jobs included. The workers' recipe
# path — recipe settings, a serve job per checkpoint — then runs without torch; every figure is
# SIMULATED. Used by test/workflow/training-loop.test.ts.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec node --import "$here/../../node_modules/tsx/dist/loader.mjs" "$here/trainer.ts" "${@: -1}"
