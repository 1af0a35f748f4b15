#!/usr/bin/env bash
# Headless Chromium for the browser tests (test/ui/*): Debian's `chromium` package, driven by the
# npm package playwright-core with an explicit executablePath (playwright's own browser download
# is not used). Idempotent: prints the executable's path on stdout.
set -euo pipefail

find_chromium() { command -v chromium || command -v chromium-browser || true; }

bin="$(find_chromium)"
if [[ -z "$bin" ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "[chromium] not installed and not root: run 'apt-get install chromium' as root" >&2
    exit 1
  fi
  echo "[chromium] installing Debian's chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  bin="$(find_chromium)"
  [[ -n "$bin" ]] || { echo "[chromium] apt finished but no chromium on the PATH" >&2; exit 1; }
fi
echo "$bin"
