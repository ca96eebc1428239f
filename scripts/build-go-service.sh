#!/usr/bin/env bash
# Build one of our Go services (a folder under services/ with a go.mod), or reuse the
# build of the same sources: binaries are cached per user, keyed by a hash of the
# folder's files and the Go version, so an edit rebuilds and nothing else does.
#   scripts/build-go-service.sh services/aggregate_service_go
# Prints the binary's path on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
folder="${1:?usage: build-go-service.sh services/<name>_go}"
source_dir="$repo/$folder"
name="$(basename "$folder" | tr _ -)"
log() { echo "[build-go-service] $*" >&2; }

[[ -f "$source_dir/go.mod" ]] || { log "$folder has no go.mod"; exit 1; }
command -v go >/dev/null || { log "the go command is missing: install Go (https://go.dev/dl) to build $folder"; exit 1; }

# Everything a build reads: every file of the module but its tests (embedded files such
# as openapi.json included) and the toolchain.
key="$( (cd "$source_dir" && find . -type f ! -name '*_test.go' -print0 | sort -z | xargs -0 sha256sum;
         go version) | sha256sum | cut -c1-16)"
cache_root="${INVOICE_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/invoice-dapr}"
out="$cache_root/go-services/$name-$key/$name"
if [[ ! -x "$out" ]]; then
  log "go build $folder ..."
  mkdir -p "$(dirname "$out")"
  # A name of its own per build: two builds at once (tests in parallel) must not move
  # or run each other's half-written file.
  tmp="$(mktemp "$out.XXXXXX")"
  trap 'rm -f "$tmp"' EXIT
  (cd "$source_dir" && CGO_ENABLED=0 go build -trimpath -o "$tmp" .)
  chmod 755 "$tmp"
  mv -f "$tmp" "$out"
fi
echo "$out"
