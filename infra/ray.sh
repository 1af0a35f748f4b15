#!/usr/bin/env bash
# A local Ray head for the Ray job backend's tests and demo: bash infra/ray.sh install|start|stop|status|env
#
# `ray[default]` (the Jobs REST API is served by the dashboard, which plain `ray` lacks) lives in
# the venv infra/python-env.sh builds from trainers/ray-requirements.txt, outside the clone and
# keyed by the pins' sha256, so a fresh clone reuses it. The head binds 127.0.0.1 only (Ray would
# otherwise advertise the machine's non-loopback address), every port pinned from DRILL_RAY_PORT,
# and runs with --block in its own process group: stop signals that group by the pid this script
# recorded — never `ray stop`, which stops every Ray process on the machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.drill/ray"
BASE="${DRILL_RAY_PORT:-6390}"
DASHBOARD_PORT=$((BASE + 1))
START_TIMEOUT="${DRILL_RAY_TIMEOUT:-240}"
# Stand-in GPUs: Ray only counts them, so GPU requests are scheduled (and impossible ones refused)
# as on a GPU node; jobs here run on the CPU.
GPUS=8

log() { printf '[ray] %s\n' "$*" >&2; }
die() {
  printf '[ray] error: %s\n' "$*" >&2
  exit 1
}

env_lines() { echo "export DRILL_RAY_ADDRESS=http://127.0.0.1:$DASHBOARD_PORT"; }

cmd_install() { bash "$ROOT/infra/python-env.sh" ray; }

live_pid() {
  local pid
  [[ -f "$STATE/head.pid" ]] || return 1
  pid="$(cat "$STATE/head.pid")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Ready when the Jobs API answers AND the node has registered: the dashboard comes up first, and a
# job submitted before the raylet registers waits in PENDING.
healthy() {
  curl -fsS "http://127.0.0.1:$DASHBOARD_PORT/api/v0/nodes?limit=10" 2>/dev/null | grep -q '"state": "ALIVE"'
}

cmd_start() {
  local python
  python="$(cmd_install)"
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock 9
  if live_pid >/dev/null; then
    log "ray head already running (pid $(live_pid))"
  else
    log "starting ray head on 127.0.0.1:$BASE, Jobs API http://127.0.0.1:$DASHBOARD_PORT"
    # On a busy machine the dashboard agent can take longer to register than the raylet's default
    # wait (it then aborts the whole head): measured ~45 s under load here, so wait up to 3 min.
    # A small object store: jobs pass data through the artifact store, not Ray objects.
    # --node-ip-address 127.0.0.1 alone is not enough: Ray swaps a loopback address for the
    # machine's routable one unless RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 (ray_constants.py).
    RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 RAY_agent_register_timeout_ms=180000 RAY_raylet_start_wait_time_s=180 RAY_USAGE_STATS_ENABLED=0 \
      setsid nohup "$(dirname "$python")/ray" start --head --block \
      --node-ip-address 127.0.0.1 --port "$BASE" \
      --dashboard-host 127.0.0.1 --dashboard-port "$DASHBOARD_PORT" \
      --ray-client-server-port $((BASE + 2)) --node-manager-port $((BASE + 3)) \
      --object-manager-port $((BASE + 4)) --dashboard-agent-listen-port $((BASE + 5)) \
      --dashboard-agent-grpc-port $((BASE + 6)) --metrics-export-port $((BASE + 7)) \
      --runtime-env-agent-port $((BASE + 8)) \
      --min-worker-port $((BASE + 20)) --max-worker-port $((BASE + 120)) \
      --num-cpus "$(nproc)" --num-gpus "$GPUS" --object-store-memory 100000000 \
      --include-dashboard true --disable-usage-stats \
      --temp-dir "/tmp/drill-ray-$BASE" >>"$STATE/head.log" 2>&1 </dev/null 9>&- &
    echo $! >"$STATE/head.pid"
  fi
  local deadline=$((SECONDS + START_TIMEOUT)) started=$SECONDS
  until healthy; do
    live_pid >/dev/null || {
      tail -n 40 "$STATE/head.log" >&2
      die "ray head exited during startup (log: $STATE/head.log)"
    }
    ((SECONDS < deadline)) || die "Jobs API not answering within ${START_TIMEOUT}s (log: $STATE/head.log)"
    sleep 1
  done
  env_lines >"$STATE/env"
  log "ray ready after $((SECONDS - started)) s: source .drill/ray/env"
}

cmd_stop() {
  local pid
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
    echo "ray: running (pid $(live_pid)), Jobs API http://127.0.0.1:$DASHBOARD_PORT"
  else
    echo "ray: stopped"
    return 1
  fi
}

case "${1:-}" in
  install) cmd_install >/dev/null ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) env_lines ;;
  *) die "usage: bash infra/ray.sh install|start|stop|status|env" ;;
esac
