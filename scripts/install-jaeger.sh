#!/usr/bin/env bash
# Make the Jaeger backend (`jaeger`, the all-in-one binary of github.com/jaegertracing/jaeger/cmd/jaeger)
# available at the pinned version.
#
# Order of preference:
#   1. our per-user cache (built earlier, keyed by version)           -> seconds
#   2. a `jaeger` on PATH that reports the pinned version
#   3. a build from the Go module proxy into the cache                 -> minutes
# Prints the directory holding `jaeger` on the last line of stdout.
#
# Jaeger tags each release twice: module tag v1.N.p, and v2.(N-63).p for this binary
# (CHANGELOG.md: "v1.76.0 / v2.13.0"). An upstream `jaeger version` reports the v2 tag,
# and so does ours; the cmd/all-in-one of v1 is another program, not this one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=go-proxy-build.sh
source "$here/go-proxy-build.sh"

version="$JAEGER_VERSION"
module=github.com/jaegertracing/jaeger
cache_root="${INVOICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/invoice-dapr}"
bin_dir="$cache_root/jaeger-$version/bin"
log() { echo "[install-jaeger] $*" >&2; }

IFS=. read -r major minor patch <<<"$version"
(( major == 1 && minor >= 63 )) || { log "JAEGER_VERSION=$version: expected a v1.N.p module tag, N >= 63"; exit 1; }
v2_version="2.$(( minor - 63 )).$patch"

# `jaeger version` prints {"gitCommit":"…","gitVersion":"v2.13.0","buildDate":"…"} on
# stdout (and a log line on stderr).
version_of() { "$1" version 2>/dev/null | grep -o '"gitVersion":"[^"]*"' | cut -d'"' -f4 || true; }
good() {
  [[ -x "$1" ]] || return 1
  local have; have="$(version_of "$1")"
  [[ "$have" == "v$v2_version" || "$have" == "v$version" ]]
}

if good "$bin_dir/jaeger"; then
  log "using cached Jaeger $version (v$v2_version) in $bin_dir"
  echo "$bin_dir"; exit 0
fi
if command -v jaeger >/dev/null && good "$(command -v jaeger)"; then
  log "using the jaeger at $(command -v jaeger) ($(version_of "$(command -v jaeger)"))"
  mkdir -p "$bin_dir" && ln -sf "$(command -v jaeger)" "$bin_dir/jaeger"
  echo "$bin_dir"; exit 0
fi

command -v go >/dev/null || { log "Go is required to build Jaeger (none on PATH)"; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod
start=$(date +%s)
log "building Jaeger $version (v$v2_version) from the Go module proxy (cold: several minutes on 2 cores)"

# `go install …/cmd/jaeger@v1.76.0` is refused: upstream's go.mod has a replace line.
mkdir -p "$bin_dir"
proxy_module "$module" "$version" "$cache_root/build-jaeger-$version"
grep -q "^v$version / v$v2_version " "$dir/CHANGELOG.md" || {
  log "CHANGELOG.md of $version does not pair it with v$v2_version: $(grep -m1 "^v$version " "$dir/CHANGELOG.md" || echo 'no entry')"
  exit 1
}

# Upstream's flags (scripts/makefiles/BuildInfo.mk, `make build-jaeger`): CGO off, the v2
# tag, commit and commit date injected; plus -s -w. No UI assets: the Jaeger UI is a
# separate npm build that upstream embeds at release time; without it the query
# extension serves a placeholder page at / and the whole /api/ as usual.
commit="$(python3 -c 'import json,sys; print((json.loads(sys.argv[1]).get("Origin") or {}).get("Hash",""))' "$info")"
date="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("Time",""))' "$(field Info)")"
vpkg="$module/internal/version"
ldflags="-s -w -X $vpkg.latestVersion=v$v2_version -X $vpkg.commitSHA=$commit -X $vpkg.date=$date"
proxy_build jaeger "$bin_dir/jaeger" "$module/cmd/jaeger" "$ldflags"
good "$bin_dir/jaeger" || { log "$bin_dir/jaeger does not report v$v2_version"; exit 1; }
log "Jaeger $version (v$v2_version) built in $(( $(date +%s) - start )) s: $bin_dir"
echo "$bin_dir"
