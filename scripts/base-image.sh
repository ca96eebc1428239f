#!/usr/bin/env bash
# Build the base image every image of the compose stack starts FROM, from Debian packages
# (no registry can be pulled from here): bookworm with python3, python3-venv and CA
# certificates. Prints the image's tag on stdout; built once per key (this script, the
# suite, and the extra CA certificates it trusts), in about 30 s.
#
# Extra CA certificates: a TLS-inspecting proxy between this machine and the package
# registries signs with a CA the host trusts in /usr/local/share/ca-certificates. Builds
# that run pip or uv must trust it too, so the base image carries the host's extra CA
# certificates when there are any (INVOICE_BASE_EXTRA_CA=0 leaves them out).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
say() { echo "[base-image] $*" >&2; }

suite="${DEBIAN_SUITE:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ca_dir=/usr/local/share/ca-certificates
extra_ca=()
if [[ "${INVOICE_BASE_EXTRA_CA:-1}" == 1 && -d "$ca_dir" ]]; then
  mapfile -t extra_ca < <(find "$ca_dir" -name '*.crt' -type f | sort)
fi
key="$( { cat "$0"; echo "$suite $mirror"; cat "${extra_ca[@]}" /dev/null; } | sha256sum | cut -c1-12)"
tag="invoice/base:$suite-$key"

if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
command -v mmdebstrap >/dev/null || { say "mmdebstrap is missing: run scripts/docker-engine.sh install"; exit 1; }

hooks=()
if ((${#extra_ca[@]})); then
  say "trusting the host's extra CA certificates: ${extra_ca[*]##*/}"
  hooks+=(--customize-hook="mkdir -p \"\$1$ca_dir\"")
  for crt in "${extra_ca[@]}"; do
    hooks+=(--customize-hook="upload $crt $ca_dir/$(basename "$crt")")
  done
  hooks+=(--customize-hook='chroot "$1" update-ca-certificates >/dev/null')
fi
# Leaner: no docs, man pages or apt lists in the image.
hooks+=(--customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*')

say "building $tag from Debian $suite ($mirror)"
t0=$(date +%s)
log="$(mktemp)"
if ! mmdebstrap --variant=apt --include=python3,python3-venv,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    "${hooks[@]}" "$suite" - "$mirror" 2>"$log" | docker import - "$tag" >/dev/null; then
  say "mmdebstrap failed; its last lines:"
  grep -iE "error|unable|not found|failed" "$log" | tail -n 10 >&2 || tail -n 10 "$log" >&2
  rm -f "$log"; docker rmi -f "$tag" >/dev/null 2>&1 || true; exit 1
fi
rm -f "$log"
say "built in $(( $(date +%s) - t0 )) s ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
echo "$tag"
