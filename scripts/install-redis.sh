#!/usr/bin/env bash
# Make Debian's redis-server available. Our supervisor starts its own instance on its
# own port with its data under .run/, so a system Redis (if any) is left alone.
set -euo pipefail
if command -v redis-server >/dev/null; then
  exit 0
fi
echo "[install-redis] installing Debian's redis-server" >&2
sudo_cmd=""
[[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq >&2
$sudo_cmd apt-get install -y -qq --no-install-recommends redis-server >&2
command -v redis-server >/dev/null || { echo "[install-redis] redis-server still missing" >&2; exit 1; }
