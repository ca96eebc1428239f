#!/usr/bin/env bash
# The container engine for the compose stack: Debian's docker.io, started without systemd.
#
#   docker-engine.sh install   apt packages (docker.io, docker-compose, mmdebstrap) if missing
#   docker-engine.sh start     install, then start dockerd unless an engine already answers
#   docker-engine.sh stop      stop the dockerd this script started (by its PID)
#   docker-engine.sh status
#
# Our daemon runs with host networking only: no default bridge, no iptables or masquerade
# rules, so nothing a container does leaves loopback unless it listens there itself.
set -euo pipefail

state="${INVOICE_DOCKER_STATE:-/var/lib/invoice-docker}"
pidfile="$state/dockerd.pid"
log="$state/dockerd.log"
sock="${DOCKER_HOST:-unix:///var/run/docker.sock}"
say() { echo "[docker-engine] $*" >&2; }
sudo_cmd=""
[[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"

install() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  [[ -x /usr/bin/docker ]] || missing+=(docker.io)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  ((${#missing[@]})) || return 0
  say "installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  # No systemd here: the package's init script would fail, and we start dockerd ourselves.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod +x /usr/sbin/policy-rc.d
  fi
  $sudo_cmd apt-get update -qq >&2
  if ! $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
    say "apt-get could not install ${missing[*]} (see above)"; exit 1
  fi
}

answers() { DOCKER_HOST="$sock" /usr/bin/docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start() {
  install
  if answers; then say "engine already running ($sock)"; return 0; fi
  $sudo_cmd mkdir -p "$state"
  cat <<JSON | $sudo_cmd tee "$state/daemon.json" >/dev/null
{"bridge": "none", "iptables": false, "ip-masq": false, "ip6tables": false,
 "storage-driver": "overlay2", "log-driver": "json-file",
 "log-opts": {"max-size": "10m", "max-file": "3"}}
JSON
  # A pidfile left by a dockerd that died with the machine reads as this start's daemon
  # dying at once (CI saw that after a restart), and one whose pid now belongs to another
  # process stops dockerd starting: neither names a running dockerd, so remove it.
  if [[ -f "$pidfile" && "$(cat "/proc/$(cat "$pidfile")/comm" 2>/dev/null)" != dockerd ]]; then
    $sudo_cmd rm -f "$pidfile"
  fi
  say "starting dockerd (log: $log)"
  $sudo_cmd bash -c "nohup dockerd --config-file '$state/daemon.json' --pidfile '$pidfile' \
    >'$log' 2>&1 </dev/null &"
  # Up to 30 s: the first start after a boot sets up containerd and its state.
  for _ in $(seq 1 300); do
    answers && { say "engine ready"; return 0; }
    sleep 0.1
    if [[ -f "$pidfile" ]] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
  done
  say "dockerd did not start; the last lines of $log:"
  tail -n 20 "$log" >&2 || true
  exit 1
}

stop() {
  [[ -f "$pidfile" ]] || { say "no dockerd started by this script"; return 0; }
  local pid; pid="$(cat "$pidfile")"
  $sudo_cmd kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { say "stopped"; return 0; }; sleep 0.1; done
  say "dockerd ($pid) did not stop within 10 s"; exit 1
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) answers && echo "running" || { echo "stopped"; exit 1; } ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
