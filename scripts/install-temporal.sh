#!/usr/bin/env bash
# Make the `temporal` CLI (which carries `temporal server start-dev`) available at a pinned
# version, for the benchmark's Temporal peer. Release downloads are unreachable here, so it
# is built from the Go module proxy into our per-user cache, keyed by version.
# Prints the path of the binary on the last line of stdout; a no-op when already built.
#
# Version 1.5.1: the newest github.com/temporalio/cli the proxy lets us build.
#   - v1.6.0, v1.7.0, v1.8.0: the proxy answers 403 ("This module version is not available").
#   - v1.9.0, v1.9.1 are served, but require github.com/temporalio/cli/cliext v0.0.0 through
#     `replace => ./cliext`, a nested module that is not in the module zip; the proxy has no
#     version of it (@v/list 404; the pseudo-version of the v1.9.0 commit,
#     v0.0.0-20260911212219-2ecba7d58c1a, 403).
# Override with TEMPORAL_CLI_VERSION=x.y.z (without the "v").
set -euo pipefail

version="${TEMPORAL_CLI_VERSION:-1.5.1}"
module=github.com/temporalio/cli
cache_root="${INVOICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/invoice-dapr}"
bin="$cache_root/temporal-cli-$version/bin/temporal"
log() { echo "[install-temporal] $*" >&2; }

# `temporal --version` prints "temporal version 1.5.1 (Server 1.29.1, UI 2.41.0)".
have() { [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -q "version $version "; }

if have; then
  log "using cached temporal CLI $version: $bin"
  echo "$bin"; exit 0
fi

command -v go >/dev/null || { log "Go is required to build the temporal CLI (none on PATH)"; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod
start=$(date +%s)
log "building temporal CLI $version from the Go module proxy (cold: several minutes on 2 cores)"

# Build inside a throwaway module that requires the pinned version and starts from
# upstream's go.sum (as scripts/install-dapr.sh does): this works whether or not
# `go install pkg@version` would, and checks every module against upstream's checksums.
work="$cache_root/build-temporal-cli-$version"
mkdir -p "$work" "$(dirname "$bin")" && cd "$work"
[[ -f go.mod ]] || go mod init invoice-build/temporal-cli >/dev/null 2>&1
info="$(go mod download -json "$module@v$version")" || true
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2]) or "")' "$info" "$1"; }
mod="$(field GoMod)"; dir="$(field Dir)"
if [[ -z "$mod" || -z "$dir" ]]; then
  log "the proxy did not serve $module@v$version: $(field Error)"; exit 1
fi
# Upstream's replace directives must be repeated here; a local-path one (v1.9's ./cliext)
# points at a nested module the proxy does not serve, so such a version cannot be built.
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

# The release's flags (upstream .goreleaser.yml): CGO off, -s -w, the version injected.
# nice: the build takes both cores for minutes; whatever else runs keeps priority.
log "go build temporal ..."
if ! nice -n 19 go build -v -trimpath \
    -ldflags "-s -w -X $module/temporalcli.Version=$version" \
    -o "$bin.tmp" "$module/cmd/temporal" 2>&1 \
  | awk '/^go: downloading/ {next} /: |^#/ {print > "/dev/stderr"; next}
         {c++; if (c % 100 == 0) printf "[install-temporal] %d packages compiled\n", c > "/dev/stderr"}'
then
  log "go build failed"; exit 1
fi
mv "$bin.tmp" "$bin"
have || { log "$bin does not report version $version"; exit 1; }
log "temporal CLI $version built in $(( $(date +%s) - start )) s: $bin"
echo "$bin"
