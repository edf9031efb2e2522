#!/usr/bin/env bash
# Makes docker usable on this machine, or says why it cannot be: installs Debian's docker.io when the daemon is
# missing (root only) and starts dockerd in the background when it is not running, trying flags that work on VMs
# without overlayfs or iptables. Idempotent; prints one line on stdout.
#
# Exit status: 0 docker is ready; 1 docker cannot run here (the line says why).
# Environment: VCPU_BENCH_DOCKERD_LOG (dockerd's log, default /tmp/vcpu-bench-dockerd.log),
#              VCPU_BENCH_DOCKERD_WAIT_S (how long to wait for one dockerd start, default 30).
set -uo pipefail

LOG=${VCPU_BENCH_DOCKERD_LOG:-/tmp/vcpu-bench-dockerd.log}
WAIT_S=${VCPU_BENCH_DOCKERD_WAIT_S:-30}
# The flags that worked last time, tried first next time.
FLAGS_FILE=/tmp/vcpu-bench-dockerd.flags
INSTALL_LOG=/tmp/vcpu-bench-docker-install.log

ready() {
  echo "docker: ready ($1)"
  exit 0
}
cannot() {
  echo "docker: cannot run here: $1"
  exit 1
}

daemon_up() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

describe() {
  local info
  info=$(docker info --format 'server {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}' 2>/dev/null)
  if docker network inspect bridge >/dev/null 2>&1; then
    echo "$info, bridge network"
  else
    echo "$info, no bridge network: use --network host"
  fi
}

is_root() { [ "$(id -u)" = 0 ]; }

if daemon_up; then
  ready "daemon already running: $(describe)"
fi

# ---------- install ----------
installed=""
if ! command -v dockerd >/dev/null 2>&1; then
  if ! is_root; then
    cannot "dockerd is not installed; run this script as root to install Debian's docker.io, or install docker yourself"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    cannot "dockerd is not installed and this is not a Debian-like system (no apt-get); install docker yourself"
  fi
  {
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io
  } >"$INSTALL_LOG" 2>&1 || cannot "apt-get install docker.io failed (log: $INSTALL_LOG)"
  command -v dockerd >/dev/null 2>&1 || cannot "docker.io installed but dockerd is not on PATH (log: $INSTALL_LOG)"
  installed="installed Debian's docker.io $(dpkg-query -W -f '${Version}' docker.io 2>/dev/null), "
fi
command -v docker >/dev/null 2>&1 || cannot "the docker client is missing although dockerd is installed; reinstall docker.io"

# ---------- start ----------
if ! is_root; then
  cannot "the docker daemon is not running and only root can start it: sudo $0"
fi

pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# A dockerd that is still starting (another caller just launched it): give it the same bounded wait.
existing=$(cat /var/run/docker.pid 2>/dev/null || true)
if pid_alive "$existing" && [ "$(cat "/proc/$existing/comm" 2>/dev/null)" = dockerd ]; then
  for _ in $(seq 1 $((WAIT_S * 5))); do
    daemon_up && ready "${installed}dockerd (pid $existing) was starting: $(describe)"
    pid_alive "$existing" || break
    sleep 0.2
  done
  pid_alive "$existing" && cannot "dockerd (pid $existing) runs but does not answer within ${WAIT_S}s; see its log ($LOG) or kill it"
fi

# Tries one set of flags: 0 when the daemon answers, 1 when dockerd died or did not answer in time (then it is killed).
try_start() {
  local flags=$1
  echo "=== $(date -u +%FT%TZ) dockerd ${flags}" >>"$LOG"
  # shellcheck disable=SC2086 # flags are words
  setsid nohup dockerd $flags >>"$LOG" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 $((WAIT_S * 5))); do
    if daemon_up; then
      echo "$flags" >"$FLAGS_FILE"
      started_pid=$pid
      return 0
    fi
    pid_alive "$pid" || return 1
    sleep 0.2
  done
  kill "$pid" 2>/dev/null
  sleep 1
  kill -9 "$pid" 2>/dev/null
  return 1
}

# Defaults first (overlay2, iptables, a bridge); then without iptables and the bridge (containers use the host's
# network); then the vfs storage driver for file systems where overlayfs does not mount; then both.
candidates=(
  ""
  "--iptables=false --ip6tables=false --bridge=none"
  "--storage-driver vfs"
  "--storage-driver vfs --iptables=false --ip6tables=false --bridge=none"
)
if [ -f "$FLAGS_FILE" ]; then
  candidates=("$(cat "$FLAGS_FILE")" "${candidates[@]}")
fi

started_pid=""
tried=()
for flags in "${candidates[@]}"; do
  # Skip duplicates (the remembered flags are also in the list).
  for t in "${tried[@]+"${tried[@]}"}"; do [ "$t" = "[$flags]" ] && continue 2; done
  tried+=("[$flags]")
  if try_start "$flags"; then
    ready "${installed}started dockerd (pid $started_pid${flags:+, flags: $flags}) in the background: $(describe); log $LOG"
  fi
done

last_error=$(grep -E 'level=(fatal|error)|failed to start daemon' "$LOG" 2>/dev/null | tail -n 1 | cut -c1-200)
cannot "dockerd would not start with any of ${tried[*]} (last error: ${last_error:-none logged}; log $LOG)"
