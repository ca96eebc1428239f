#!/usr/bin/env bash
# Print the path of a uv binary at the pinned version, installing it from PyPI into
# the per-user cache if needed (astral.sh's installer is not reachable everywhere).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.env"

if command -v uv >/dev/null && [[ "$(uv --version | awk '{print $2}')" == "$UV_VERSION" ]]; then
  command -v uv; exit 0
fi
cache_root="${INVOICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/invoice-dapr}"
target="$cache_root/uv-$UV_VERSION"
if [[ ! -x "$target/bin/uv" ]]; then
  echo "[ensure-uv] installing uv $UV_VERSION from PyPI into $target" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$target" "uv==$UV_VERSION" >&2
fi
echo "$target/bin/uv"
