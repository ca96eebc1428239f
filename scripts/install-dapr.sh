#!/usr/bin/env bash
# Make daprd, placement, scheduler and the dapr CLI available at the pinned versions.
#
# Order of preference:
#   1. our per-user cache (built earlier, keyed by version)           -> seconds
#   2. binaries from `dapr init --slim` in ~/.dapr/bin of a compatible version
#   3. a build from the Go module proxy into the cache                 -> minutes
# Prints the directory holding the four binaries on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache_root="${INVOICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/invoice-dapr}"
daprd_main="$here/../runtime/daprd/main.go"
# Our fixes to the runtime's source, applied before it is built (each says why).
shopt -s nullglob
runtime_patches=("$here"/../runtime/patches/dapr-*.patch)
shopt -u nullglob
# The cache key covers both versions, our daprd main and the patches: editing any rebuilds.
main_sum="$(cat "$daprd_main" "${runtime_patches[@]}" | sha256sum | cut -c1-12)"
bin_dir="$cache_root/dapr-${DAPR_RUNTIME_VERSION}-${main_sum}-cli-${DAPR_CLI_VERSION}/bin"
log() { echo "[install-dapr] $*" >&2; }

version_of() { "$1" --version 2>/dev/null | head -n1 | tr -d '[:space:]' || true; }

# A runtime is good enough when it is the pinned minor release at the pinned patch or
# newer (a `dapr init` 1.18.3 where we pin 1.18.2, say).
compatible() {
  local have="$1" want="$DAPR_RUNTIME_VERSION"
  [[ "${have%.*}" == "${want%.*}" ]] && (( ${have##*.} >= ${want##*.} )) 2>/dev/null
}

have_runtime() { [[ -x "$1/daprd" && -x "$1/placement" && -x "$1/scheduler" ]] && compatible "$(version_of "$1/daprd")"; }

if have_runtime "$bin_dir" && [[ -x "$bin_dir/dapr" ]]; then
  log "using cached Dapr $DAPR_RUNTIME_VERSION binaries in $bin_dir"
  echo "$bin_dir"; exit 0
fi
mkdir -p "$bin_dir"

slim="$HOME/.dapr/bin"
if ! have_runtime "$bin_dir" && have_runtime "$slim"; then
  log "using the dapr init runtime in $slim ($(version_of "$slim/daprd"))"
  log "note: it lacks our fixes in runtime/patches (remove $slim to build a patched one)"
  rm -f "$bin_dir/.source"  # no patched source stands behind these binaries
  for b in daprd placement scheduler; do ln -sf "$slim/$b" "$bin_dir/$b"; done
  # A stock daprd has no SQLite resolver: stacks fall back to mDNS (one per machine).
  echo "mdns" > "$bin_dir/.name-resolvers"
fi
if [[ ! -x "$bin_dir/dapr" ]] && command -v dapr >/dev/null; then
  log "using the dapr CLI at $(command -v dapr)"
  ln -sf "$(command -v dapr)" "$bin_dir/dapr"
fi
if have_runtime "$bin_dir" && [[ -x "$bin_dir/dapr" ]]; then
  echo "$bin_dir"; exit 0
fi

command -v go >/dev/null || { log "Go is required to build Dapr (none found on PATH)"; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod

# build_from_proxy MODULE VERSION OUT_DIR LDFLAGS TAGS PKG:NAME...
# With SOURCE_PATCHES (patch files, one a line), the module is built from a copy of its
# source with them applied, in src-SOURCE_KEY (one per set of patches).
# Upstream modules carry `replace` directives (dapr) or need their version list for
# `go install` (which the proxy refuses for some), so we build inside a throwaway module
# that requires the pinned version, repeats upstream's replaces as read from its go.mod,
# and starts from upstream's go.sum: the checksums upstream released with, as the
# checksum database is not always reachable through the proxy.
build_from_proxy() {
  local module="$1" version="$2" out="$3" ldflags="$4" tags="$5"; shift 5
  local work="$cache_root/build-$(basename "$module")-$version"
  mkdir -p "$work" "$out" && cd "$work"
  [[ -f go.mod ]] || go mod init "invoice-build/$(basename "$module")" >/dev/null 2>&1
  local info mod dir
  info="$(go mod download -json "$module@v$version")"
  mod="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["GoMod"])' "$info")"
  dir="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["Dir"])' "$info")"
  cat "$dir/go.sum" >> go.sum && sort -u -o go.sum go.sum
  go mod edit -go="$(go mod edit -json "$mod" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Go"])')"
  go mod edit -json "$mod" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    old, new = r["Old"], r["New"]
    lhs = old["Path"] + ("@" + old["Version"] if old.get("Version") else "")
    rhs = new["Path"] + ("@" + new["Version"] if new.get("Version") else "")
    print(f"-replace={lhs}={rhs}")
' | xargs -r go mod edit
  go mod edit -require="$module@v$version"
  if [[ -n "${SOURCE_PATCHES:-}" ]]; then
    local src="src-$SOURCE_KEY"
    rm -rf "$src" && cp -r "$dir" "$src" && chmod -R u+w "$src"
    while IFS= read -r p; do patch --quiet --forward -p1 -d "$src" < "$p"; done <<< "$SOURCE_PATCHES"
    go mod edit -replace="$module=./$src"
  else
    go mod edit -dropreplace="$module"
  fi
  for req in ${EXTRA_REQUIRES:-}; do go mod edit -require="$req"; done
  local commit
  commit="$(python3 -c 'import json,sys; print((json.loads(sys.argv[1]).get("Origin") or {}).get("Hash",""))' "$info")"
  ldflags="${ldflags//@COMMIT@/$commit}"
  for item in "$@"; do
    local pkg="${item%%:*}" name="${item##*:}" t0
    t0=$(date +%s)
    log "go build $name ($pkg) ..."
    # -v names each package as it compiles: progress for a build that takes minutes.
    go build -v ${tags:+-tags=$tags} -trimpath -ldflags "$ldflags" -o "$out/$name.tmp" "$pkg" 2>&1 \
      | awk -v n="$name" '/^go: downloading/ {next} /: |^#/ {print > "/dev/stderr"; next}
                          {c++; if (c % 100 == 0) printf "[install-dapr] %s: %d packages compiled\n", n, c > "/dev/stderr"}'
    mv "$out/$name.tmp" "$out/$name"
    log "$name built in $(( $(date +%s) - t0 )) s"
  done
  cd - >/dev/null
}

start=$(date +%s)
cli_dir="$cache_root/cli-${DAPR_CLI_VERSION}"
# The CLI builds beside the runtime: a cold build is largely downloads and links.
cli_pid=""
if [[ ! -x "$bin_dir/dapr" && ! -x "$cli_dir/dapr" ]]; then
  (
  log "building the dapr CLI $DAPR_CLI_VERSION from the Go module proxy"
  v="$DAPR_CLI_VERSION"
  ld="-s -w -X main.version=$v -X main.apiVersion=1.0"
  ld+=" -X github.com/dapr/cli/pkg/standalone.gitcommit=@COMMIT@ -X github.com/dapr/cli/pkg/standalone.gitversion=v$v"
  # The CLI's main package sits at its module root; we name the binary `dapr`.
  EXTRA_REQUIRES="${DAPR_CLI_EXTRA_REQUIRES:-}" \
    build_from_proxy github.com/dapr/cli "$v" "$cli_dir" "$ld" "" github.com/dapr/cli:dapr
  ) &
  cli_pid=$!
fi
runtime_pid=""
if ! have_runtime "$bin_dir"; then
  (
  log "building Dapr runtime $DAPR_RUNTIME_VERSION from the Go module proxy (cold: ~10-15 min on 2 cores)"
  v="$DAPR_RUNTIME_VERSION"
  ld="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$v -X github.com/dapr/dapr/pkg/buildinfo.gitversion=v$v"
  ld+=" -X github.com/dapr/dapr/pkg/buildinfo.gitcommit=@COMMIT@ -X github.com/dapr/kit/logger.DaprVersion=$v"
  SOURCE_PATCHES="$(printf '%s\n' "${runtime_patches[@]}")"
  export SOURCE_PATCHES="${SOURCE_PATCHES%$'\n'}" SOURCE_KEY="$main_sum"
  build_from_proxy github.com/dapr/dapr "$v" "$bin_dir" "$ld" "" \
    github.com/dapr/dapr/cmd/placement:placement github.com/dapr/dapr/cmd/scheduler:scheduler
  # daprd: upstream's app.Run() from our own small main (runtime/daprd/main.go) that adds
  # the SQLite name resolver; stablecomponents brings Redis, mDNS and the rest.
  mkdir -p "$cache_root/build-dapr-$v/daprd" && cp "$daprd_main" "$cache_root/build-dapr-$v/daprd/main.go"
  build_from_proxy github.com/dapr/dapr "$v" "$bin_dir" "$ld" stablecomponents ./daprd:daprd
  echo "mdns sqlite" > "$bin_dir/.name-resolvers"
  # Where the patched source these binaries were built from is, for its tests.
  if [[ -n "$SOURCE_PATCHES" ]]; then echo "$cache_root/build-dapr-$v/src-$main_sum" > "$bin_dir/.source"; fi
  ) &
  runtime_pid=$!
fi
# Both waited for, whichever fails first: neither build is left running behind a failure.
failed=()
[[ -z "$runtime_pid" ]] || wait "$runtime_pid" || failed+=("the runtime")
[[ -z "$cli_pid" ]] || wait "$cli_pid" || failed+=("the dapr CLI")
(( ${#failed[@]} == 0 )) || { log "could not build ${failed[*]} (see above)"; exit 1; }
[[ -x "$bin_dir/dapr" ]] || ln -sf "$cli_dir/dapr" "$bin_dir/dapr"

have_runtime "$bin_dir" && [[ -x "$bin_dir/dapr" ]] || { log "$bin_dir is incomplete after the build"; exit 1; }
log "Dapr binaries ready in $bin_dir ($(( $(date +%s) - start )) s)"
echo "$bin_dir"
