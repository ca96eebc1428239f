#!/usr/bin/env bash
# What the console's browser tests need: Debian's chromium (browser downloads from
# elsewhere do not work here) and axe-core from npm, cached by version. Prints the
# directory holding axe.min.js.
set -euo pipefail
AXE_VERSION="${AXE_VERSION:-4.10.3}"
say() { echo "[install-browser] $*" >&2; }
sudo_cmd=""
[[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"

if ! command -v chromium >/dev/null; then
  say "installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq >&2
  $sudo_cmd apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
cache="${INVOICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/invoice-dapr}/axe-core-$AXE_VERSION"
if [[ ! -f "$cache/axe.min.js" ]]; then
  command -v npm >/dev/null || { say "npm is needed to fetch axe-core"; exit 1; }
  mkdir -p "$cache"
  tarball="$(cd "$cache" && npm pack --silent "axe-core@$AXE_VERSION")"
  tar -xzf "$cache/$tarball" -C "$cache" package/axe.min.js
  mv "$cache/package/axe.min.js" "$cache/axe.min.js" && rm -rf "$cache/package" "$cache/$tarball"
fi
echo "$cache"
