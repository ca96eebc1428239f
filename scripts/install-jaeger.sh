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

# `go install …/cmd/jaeger@v1.76.0` is refused (upstream's go.mod has a replace line), so
# we build inside a throwaway module that requires the pinned version, repeats upstream's
# replaces and starts from upstream's go.sum, as scripts/install-dapr.sh does.
work="$cache_root/build-jaeger-$version"
mkdir -p "$work" "$bin_dir" && cd "$work"
[[ -f go.mod ]] || go mod init invoice-build/jaeger >/dev/null 2>&1
info="$(go mod download -json "$module@v$version")" || true
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2]) or "")' "$info" "$1"; }
mod="$(field GoMod)"; dir="$(field Dir)"
if [[ -z "$mod" || -z "$dir" ]]; then
  log "the proxy did not serve $module@v$version: $(field Error)"; exit 1
fi
grep -q "^v$version / v$v2_version " "$dir/CHANGELOG.md" || {
  log "CHANGELOG.md of $version does not pair it with v$v2_version: $(grep -m1 "^v$version " "$dir/CHANGELOG.md" || echo 'no entry')"
  exit 1
}
replaces="$(go mod edit -json "$mod" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    old, new = r["Old"], r["New"]
    if not new.get("Version"):
        sys.exit(old["Path"] + " is replaced by the local path " + new["Path"])
    lhs = old["Path"] + ("@" + old["Version"] if old.get("Version") else "")
    print("-replace=" + lhs + "=" + new["Path"] + "@" + new["Version"])
')" || { log "$module@v$version cannot be built from the proxy (see above)"; exit 1; }
[[ -z "$replaces" ]] || xargs go mod edit <<<"$replaces"
cat "$dir/go.sum" >> go.sum && sort -u -o go.sum go.sum
go mod edit -go="$(go mod edit -json "$mod" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Go"])')"
go mod edit -require="$module@v$version"

# Upstream's flags (scripts/makefiles/BuildInfo.mk, `make build-jaeger`): CGO off, the v2
# tag, commit and commit date injected; plus -s -w. No UI assets: the Jaeger UI is a
# separate npm build that upstream embeds at release time; without it the query
# extension serves a placeholder page at / and the whole /api/ as usual.
commit="$(python3 -c 'import json,sys; print((json.loads(sys.argv[1]).get("Origin") or {}).get("Hash",""))' "$info")"
date="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("Time",""))' "$(field Info)")"
vpkg="$module/internal/version"
ldflags="-s -w -X $vpkg.latestVersion=v$v2_version -X $vpkg.commitSHA=$commit -X $vpkg.date=$date"
# nice: the build takes both cores for minutes; whatever else runs keeps priority.
log "go build jaeger ..."
if ! nice -n 19 go build -v -trimpath -ldflags "$ldflags" -o "$bin_dir/jaeger.tmp" "$module/cmd/jaeger" 2>&1 \
  | awk '/^go: downloading/ {next} /: |^#/ {print > "/dev/stderr"; next}
         {c++; if (c % 100 == 0) printf "[install-jaeger] %d packages compiled\n", c > "/dev/stderr"}'
then
  log "go build failed"; exit 1
fi
mv "$bin_dir/jaeger.tmp" "$bin_dir/jaeger"
good "$bin_dir/jaeger" || { log "$bin_dir/jaeger does not report v$v2_version"; exit 1; }
log "Jaeger $version (v$v2_version) built in $(( $(date +%s) - start )) s: $bin_dir"
echo "$bin_dir"
