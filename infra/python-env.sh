#!/usr/bin/env bash
# Builds (once) a pinned Python venv and prints its python's path on stdout.
#   bash infra/python-env.sh trainers     # torch + transformers + TRL (trainers/requirements.txt)
#   bash infra/python-env.sh verl-check   # verl's config schema only (trainers/verl-check-requirements.txt)
#   bash infra/python-env.sh ray          # ray[default] for the local Ray head of infra/ray.sh
#   bash infra/python-env.sh trainers --no-build   # the path if built, else exit 3 (workers use this)
# Venvs live OUTSIDE the clone, in ${XDG_CACHE_HOME:-~/.cache}/drillmaster/<name>-<sha>, keyed by
# the sha256 of the requirements, so a second clone (or CI run on the same machine) reuses them;
# the trainers venv is ~6 GB (PyPI's torch pulls the CUDA libraries even on CPU) and takes minutes.
# A half-built venv is never reused: its marker file is written only after pip succeeds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME="${1:?usage: python-env.sh trainers|verl-check}"
REQ="$ROOT/trainers/$([[ "$NAME" == trainers ]] && echo requirements.txt || echo "$NAME-requirements.txt")"
# verl is installed without its dependencies (torch, vLLM, ray, an older transformers): the
# check only needs its YAML configs, read by hydra. Lines marked `# no-deps` go in that way.
SHA="$(sha256sum "$REQ" | cut -c1-16)"
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/drillmaster/$NAME-$SHA"

if [[ ! -f "$VENV/.complete" && "${2:-}" == --no-build ]]; then
  echo "[python-env] $VENV is not built: run bash infra/python-env.sh $NAME" >&2
  exit 3
fi
if [[ ! -f "$VENV/.complete" ]]; then
  start=$(date +%s)
  echo "[python-env] building $VENV from ${REQ#"$ROOT"/}" >&2
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  pip=("$VENV/bin/pip" install --quiet --disable-pip-version-check)
  "${pip[@]}" --upgrade pip >&2
  "${pip[@]}" -r <(grep -v '# no-deps' "$REQ") >&2
  if grep -q '# no-deps' "$REQ"; then
    "${pip[@]}" --no-deps -r <(grep '# no-deps' "$REQ") >&2
  fi
  touch "$VENV/.complete"
  echo "[python-env] built $NAME in $(($(date +%s) - start)) s, $(du -sh "$VENV" | cut -f1)" >&2
fi
echo "$VENV/bin/python"
