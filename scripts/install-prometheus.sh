#!/usr/bin/env bash
# Make Debian's prometheus package available: `prometheus` to scrape the stack and
# `promtool` to check and unit-test our alert rules offline. Whoever runs Prometheus
# for the stack starts its own instance with its own config and port, so the package's
# service must not be left running on :9090.
set -euo pipefail
if command -v promtool >/dev/null && command -v prometheus >/dev/null; then
  exit 0
fi
log() { echo "[install-prometheus] $*" >&2; }
log "installing Debian's prometheus (prometheus and promtool)"
sudo_cmd=""
[[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive

# invoke-rc.d and deb-systemd-invoke ask /usr/sbin/policy-rc.d before starting a
# service; exit code 101 means "not allowed". An existing policy is someone else's
# decision, so we only add (and later remove) one when there is none.
policy=/usr/sbin/policy-rc.d
own_policy=0
remove_policy() {
  if [[ "$own_policy" -eq 1 ]]; then
    $sudo_cmd rm -f "$policy"
  fi
}
trap remove_policy EXIT
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\n# Temporary, from scripts/install-prometheus.sh.\nexit 101\n' |
    $sudo_cmd tee "$policy" >/dev/null
  $sudo_cmd chmod 755 "$policy"
  own_policy=1
fi

$sudo_cmd apt-get update -qq >&2
$sudo_cmd apt-get install -y -qq --no-install-recommends prometheus >&2

# Belt and braces for hosts where the service started anyway (a policy that allowed
# it): systemd keeps it from coming back at boot; without systemd, stop the package's
# daemon, which is the only `prometheus` process run by the `prometheus` user.
if [[ -d /run/systemd/system ]]; then
  $sudo_cmd systemctl disable --now prometheus.service >&2 2>/dev/null || true
fi
if pids="$(pgrep -u prometheus -x prometheus 2>/dev/null)"; then
  log "stopping the package's prometheus service (pids: ${pids//$'\n'/ })"
  # shellcheck disable=SC2086 # one pid per word
  $sudo_cmd kill $pids
fi

for tool in prometheus promtool; do
  command -v "$tool" >/dev/null || { log "$tool still missing"; exit 1; }
done
log "$(promtool --version 2>&1 | head -n1)"
