#!/usr/bin/env bash
# A local Ray head for the Ray job backend's tests and demo: bash infra/ray.sh install|start|stop|status|env
#
# `ray[default]` (the Jobs API needs the dashboard) lives in a venv cached outside the clone, keyed
# by the pinned version, so a fresh clone reuses it. The head listens on 127.0.0.1 only, on ports
# derived from DRILL_RAY_PORT, and runs with --block in its own process group: stop signals that
# group (never `ray stop`, which would stop every Ray process on the machine).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RAY_VERSION=2.60.0
CACHE="${DRILL_CACHE:-$HOME/.cache/drillmaster}"
VENV="$CACHE/ray-$(printf 'ray[default]==%s' "$RAY_VERSION" | sha256sum | cut -c1-12)"
STATE="$ROOT/.drill/ray"
BASE="${DRILL_RAY_PORT:-6390}"
GCS_PORT=$BASE
DASHBOARD_PORT=$((BASE + 1))
START_TIMEOUT="${DRILL_RAY_TIMEOUT:-180}"

log() { printf '[ray] %s\n' "$*" >&2; }
die() {
  printf '[ray] error: %s\n' "$*" >&2
  exit 1
}

env_lines() {
  cat <<ENV
export DRILL_RAY_ADDRESS=http://127.0.0.1:$DASHBOARD_PORT
export DRILL_RAY_PYTHON=$VENV/bin/python
ENV
}

cmd_install() {
  if [[ -f "$VENV/.complete" ]]; then
    log "ray[default]==$RAY_VERSION already in $VENV"
    return
  fi
  log "installing ray[default]==$RAY_VERSION into $VENV (about 400 MB)"
  mkdir -p "$CACHE"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet "ray[default]==$RAY_VERSION"
  [[ -x "$VENV/bin/ray" ]] || die "pip finished but $VENV/bin/ray is missing"
  # Marks a finished install: an interrupted one is completed by the next run.
  touch "$VENV/.complete"
}

live_pid() {
  local pid
  [[ -f "$STATE/head.pid" ]] || return 1
  pid="$(cat "$STATE/head.pid")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

healthy() { curl -fsS "http://127.0.0.1:$DASHBOARD_PORT/api/version" >/dev/null 2>&1; }

cmd_start() {
  cmd_install
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock 9
  if live_pid >/dev/null; then
    log "ray head already running (pid $(live_pid))"
  else
    log "starting ray head on 127.0.0.1:$GCS_PORT, dashboard http://127.0.0.1:$DASHBOARD_PORT"
    # Every port pinned so two heads (or other software) do not collide; temp dir ours too.
    # On a busy machine the dashboard agent can take longer than the raylet's default 15 s wait
    # for it to start; the raylet would then abort the whole head.
    RAY_agent_register_timeout_ms=120000 RAY_raylet_start_wait_time_s=180 RAY_USAGE_STATS_ENABLED=0 setsid nohup "$VENV/bin/ray" start --head --block \
      --node-ip-address 127.0.0.1 --port "$GCS_PORT" \
      --dashboard-host 127.0.0.1 --dashboard-port "$DASHBOARD_PORT" \
      --ray-client-server-port $((BASE + 2)) --node-manager-port $((BASE + 3)) \
      --object-manager-port $((BASE + 4)) --dashboard-agent-listen-port $((BASE + 5)) \
      --dashboard-agent-grpc-port $((BASE + 6)) --metrics-export-port $((BASE + 7)) \
      --runtime-env-agent-port $((BASE + 8)) \
      --min-worker-port $((BASE + 20)) --max-worker-port $((BASE + 120)) \
      --num-cpus 2 --num-gpus 8 --include-dashboard true --disable-usage-stats \
      --temp-dir "/tmp/drill-ray-$BASE" >>"$STATE/head.log" 2>&1 </dev/null 9>&- &
    echo $! >"$STATE/head.pid"
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until healthy; do
    live_pid >/dev/null || {
      tail -n 40 "$STATE/head.log" >&2
      die "ray head exited during startup"
    }
    ((SECONDS < deadline)) || die "ray dashboard not answering within ${START_TIMEOUT}s (see $STATE/head.log)"
    sleep 1
  done
  env_lines >"$STATE/env"
  log "ray ready: source .drill/ray/env"
}

cmd_stop() {
  local pid
  mkdir -p "$STATE"
  if ! pid="$(live_pid)"; then
    log "ray head not running"
    return 0
  fi
  log "stopping ray head (process group $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$STATE/head.pid"
}

cmd_status() {
  if live_pid >/dev/null && healthy; then
    echo "ray: running (pid $(live_pid)), dashboard http://127.0.0.1:$DASHBOARD_PORT"
  else
    echo "ray: stopped"
    return 1
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) env_lines ;;
  *) die "usage: bash infra/ray.sh install|start|stop|status|env" ;;
esac
