#!/usr/bin/env bash
# Make Debian's PostgreSQL server binaries (initdb, pg_ctl, postgres) available, for the
# benchmark's Prefect peer. The peer runs its own private cluster (initdb into its run
# directory, its own port and socket directory), so the system-wide service is neither
# needed nor started; a cluster the package may create is left alone.
# Prints the binaries' directory (e.g. /usr/lib/postgresql/15/bin) on the last line of
# stdout; a no-op when they are already installed.
set -euo pipefail
log() { echo "[install-postgres] $*" >&2; }

# Debian keeps the server binaries out of PATH, in /usr/lib/postgresql/<major>/bin;
# the newest major there wins, then whatever PATH has.
bin_dir() {
  local dir
  dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null \
    | sort -V | tail -n 1)"
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
    echo "$dir"; return 0
  fi
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$(command -v initdb)")"; return 0
  fi
  return 1
}

if dir="$(bin_dir)"; then
  echo "$dir"; exit 0
fi

log "installing Debian's postgresql server packages"
sudo_cmd=""
[[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
# Keep the package's maintainer scripts from starting the system-wide service: a
# policy-rc.d that denies every start, only for this install and only if none exists.
policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
  $sudo_cmd sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
  trap '$sudo_cmd rm -f "$policy"' EXIT
fi
$sudo_cmd apt-get update -qq >&2
$sudo_cmd apt-get install -y -qq --no-install-recommends postgresql >&2
dir="$(bin_dir)" || { log "initdb/pg_ctl still missing"; exit 1; }
log "PostgreSQL binaries in $dir"
echo "$dir"
