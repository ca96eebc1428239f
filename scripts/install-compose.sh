#!/usr/bin/env bash
# Make `docker compose` (Compose v2) available as a Docker CLI plugin, at the pinned
# version: an installed plugin of that version, else our per-user cache, else a build
# from the Go module proxy (cold: about 3 minutes on 2 cores).
#
# `go install` refuses Compose's module (its go.mod has `exclude` lines), so the build
# runs in a throwaway module that requires it and repeats its exclude and replace lines.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
say() { echo "[install-compose] $*" >&2; }

plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
cache_root="${INVOICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/invoice-dapr}"
built="$cache_root/compose-$COMPOSE_VERSION/docker-compose"

version_of() { "$1" version --short 2>/dev/null | tr -d 'v[:space:]' || true; }
if [[ "$(version_of "$plugin_dir/docker-compose")" == "$COMPOSE_VERSION" ]]; then exit 0; fi

if [[ ! -x "$built" ]]; then
  command -v go >/dev/null || { say "Go is required to build Compose (none on PATH)"; exit 1; }
  export CGO_ENABLED=0 GOFLAGS=-mod=mod
  module=github.com/docker/compose/v2
  work="$cache_root/build-compose-$COMPOSE_VERSION"
  mkdir -p "$work" && cd "$work"
  [[ -f go.mod ]] || go mod init invoice-build/compose >/dev/null 2>&1
  info="$(go mod download -json "$module@v$COMPOSE_VERSION")"
  read -r mod dir < <(python3 -c 'import json,sys; i=json.loads(sys.argv[1]); print(i["GoMod"], i["Dir"])' "$info")
  cat "$dir/go.sum" >> go.sum && sort -u -o go.sum go.sum
  go mod edit -go="$(go mod edit -json "$mod" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Go"])')"
  go mod edit -json "$mod" | python3 -c '
import json, sys
m = json.load(sys.stdin)
def spec(v):
    return v["Path"] + ("@" + v["Version"] if v.get("Version") else "")
for r in m.get("Replace") or []:
    print("-replace=" + spec(r["Old"]) + "=" + spec(r["New"]))
for e in m.get("Exclude") or []:
    print("-exclude=" + spec(e))
' | xargs -r go mod edit
  go mod edit -require="$module@v$COMPOSE_VERSION"
  say "building Compose $COMPOSE_VERSION from the Go module proxy"
  t0=$(date +%s)
  mkdir -p "$(dirname "$built")"
  go build -trimpath -ldflags "-s -w -X $module/internal.Version=v$COMPOSE_VERSION" \
    -o "$built.tmp" "$module/cmd"
  mv "$built.tmp" "$built"
  say "built in $(( $(date +%s) - t0 )) s"
fi
mkdir -p "$plugin_dir"
ln -sf "$built" "$plugin_dir/docker-compose"
