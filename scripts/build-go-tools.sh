#!/usr/bin/env bash
# Build (or reuse) several Go tools at once: `build-go-tools.sh dapr jaeger kube compose`
# runs scripts/install-<name>.sh for each, side by side.
#
# Why at once: a cold build is mostly module downloads and single-threaded links, which
# leave a core idle when the builds run one after another (cold on 2 cores: Dapr 890 s,
# Kubernetes 430 s, Jaeger 282 s in a row). Warm, each script answers from its cache in
# well under a second. Each script keeps its own log prefix; a failure names the tool.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[build-go-tools] $*" >&2; }

(( $# )) || { log "usage: $0 <tool>... (dapr, jaeger, kube, compose)"; exit 2; }
# Every name checked (and repeats dropped) before anything starts.
tools=()
for tool in "$@"; do
  [[ -f "$here/install-$tool.sh" ]] || { log "no scripts/install-$tool.sh"; exit 2; }
  [[ " ${tools[*]} " == *" $tool "* ]] || tools+=("$tool")
done
declare -A pid_of
for tool in "${tools[@]}"; do
  bash "$here/install-$tool.sh" >/dev/null &
  pid_of[$tool]=$!
done

failed=()
for tool in "${tools[@]}"; do
  wait "${pid_of[$tool]}" || failed+=("$tool")
done
if (( ${#failed[@]} )); then
  log "could not build: ${failed[*]} (see the [install-...] lines above)"
  exit 1
fi
