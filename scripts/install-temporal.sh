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

# shellcheck source=go-proxy-build.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/go-proxy-build.sh"

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

# A version whose go.mod replaces a module by a local path (v1.9's ./cliext) stops here:
# the proxy does not serve that nested module.
mkdir -p "$(dirname "$bin")"
proxy_module "$module" "$version" "$cache_root/build-temporal-cli-$version"

# The release's flags (upstream .goreleaser.yml): CGO off, -s -w, the version injected.
proxy_build temporal "$bin" "$module/cmd/temporal" \
  "-s -w -X $module/temporalcli.Version=$version"
have || { log "$bin does not report version $version"; exit 1; }
log "temporal CLI $version built in $(( $(date +%s) - start )) s: $bin"
echo "$bin"
