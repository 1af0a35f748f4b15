#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for the Slurm job backend's tests and demo (Debian
# slurm-wlm + munge, run as root, no systemd): bash infra/slurm.sh install|start|stop|status
#
# Machine-wide: Slurm's daemons, config (/etc/slurm) and munge key are shared by every clone on the
# machine, so start is idempotent and stop signals only the daemons whose pid files this script
# wrote. The node advertises 8 stand-in GPUs (plain files as devices) so GPU requests are scheduled and
# impossible ones refused, as on a real cluster.
#
# Job completion: the backend's job script writes its own exit status and timestamps next to its
# Slurm output file; scontrol is only asked about jobs that have not finished (MinJobAge is raised
# to an hour so a just-finished job is still visible there while the backend looks).
set -euo pipefail

STATE=/var/lib/drillmaster-slurm
CONF_DIR=/etc/slurm
NODE="$(hostname)"
CPUS="$(nproc)"
PARTITION=gpu
GPUS=8

log() { printf '[slurm] %s\n' "$*" >&2; }
die() {
  printf '[slurm] error: %s\n' "$*" >&2
  exit 1
}

need_root() { [[ "$(id -u)" == 0 ]] || die "run as root (slurmd runs jobs as their submitting user)"; }

cmd_install() {
  need_root
  if command -v sbatch >/dev/null && command -v munged >/dev/null && command -v slurmctld >/dev/null; then
    log "slurm-wlm and munge already installed ($(sbatch --version))"
    return
  fi
  log "installing slurm-wlm and munge from apt"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq slurm-wlm munge >/dev/null
}

write_config() {
  mkdir -p "$CONF_DIR" "$STATE"/{ctld,d,log}
  local mem
  # Leave the OS some memory; jobs ask for little.
  mem=$(($(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) / 2))
  cat >"$CONF_DIR/slurm.conf" <<CONF
# Written by drillmaster infra/slurm.sh: a one-node test cluster.
ClusterName=drill
SlurmctldHost=$NODE
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job that names no memory would otherwise hold all of the node's, and every other job waits.
DefMemPerCPU=512
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=3600
KillWait=5
GresTypes=gpu
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$NODE CPUs=$CPUS RealMemory=$mem Gres=gpu:$GPUS State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
  # Stand-in GPU "devices" (plain files): slurmd counts GPUs by their device files.
  mkdir -p "$STATE/dev"
  local i
  for ((i = 0; i < GPUS; i++)); do touch "$STATE/dev/gpu$i"; done
  printf 'AutoDetect=off\nNodeName=%s Name=gpu File=%s/dev/gpu[0-%s]\n' "$NODE" "$STATE" "$((GPUS - 1))" >"$CONF_DIR/gres.conf"
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "munge already running"
    return
  fi
  mkdir -p /etc/munge /var/log/munge /run/munge /var/lib/munge
  if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge
  chmod 700 /etc/munge
  chmod 400 /etc/munge/munge.key
  runuser -u munge -- /usr/sbin/munged 9>&-
  local i
  for i in $(seq 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
  munge -n | unmunge >/dev/null || die "munged did not start (see /var/log/munge/munged.log)"
  cp /run/munge/munged.pid "$STATE/munged.pid.ours"
  log "munge started"
}

live() {
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(cat "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

cmd_start() {
  need_root
  cmd_install
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock 9
  start_munge
  if live "$STATE/slurmctld.pid" && live "$STATE/slurmd.pid"; then
    log "slurmctld and slurmd already running"
  else
    write_config
    live "$STATE/slurmctld.pid" || /usr/sbin/slurmctld 9>&-
    live "$STATE/slurmd.pid" || /usr/sbin/slurmd 9>&-
  fi
  local deadline=$((SECONDS + 60)) state
  while :; do
    state="$(sinfo --noheader --nodes="$NODE" --format=%T 2>/dev/null || true)"
    [[ "$state" == idle* || "$state" == mixed* || "$state" == allocated* ]] && break
    if [[ "$state" == down* || "$state" == drain* || "$state" == inval* ]]; then
      scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true
    fi
    ((SECONDS < deadline)) || {
      tail -n 20 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2 || true
      die "node $NODE not idle within 60s (state: ${state:-no answer})"
    }
    sleep 0.5
  done
  log "slurm ready: partition $PARTITION, node $NODE ($CPUS CPUs, $GPUS GPUs)"
}

stop_pidfile() {
  local name="$1" file="$2" pid
  if ! live "$file"; then
    log "$name not running"
    return 0
  fi
  pid="$(cat "$file")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
}

cmd_stop() {
  need_root
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock 9
  stop_pidfile slurmd "$STATE/slurmd.pid"
  stop_pidfile slurmctld "$STATE/slurmctld.pid"
  # munged may serve other software on the machine: stopped only if this script started it.
  stop_pidfile munged "$STATE/munged.pid.ours"
  rm -f "$STATE/munged.pid.ours"
}

cmd_status() {
  if live "$STATE/slurmctld.pid" && live "$STATE/slurmd.pid"; then
    echo "slurm: running (slurmctld $(cat "$STATE/slurmctld.pid"), slurmd $(cat "$STATE/slurmd.pid"))"
    sinfo
  else
    echo "slurm: stopped"
    return 1
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "usage: bash infra/slurm.sh install|start|stop|status" ;;
esac
