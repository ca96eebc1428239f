#!/usr/bin/env bash
# Write random secret values for the Kustomize overlays' secretGenerators, into
# deploy/kubernetes/overlays/<overlay>/secrets/*.env (git-ignored, mode 0600):
#   invoice-api-key.env          INVOICE_API_KEY  key of the host's public REST API
#   redis-auth.env               password         Redis requirepass, read by the Component too
#   <app>-app-token.env          token            what <app>'s sidecar presents to the app
#   <app>-dapr-token.env         token            what <app> presents to its sidecar
# for each Dapr app (workflow-app and the four services): one pair per app, as the local
# stacks have, so one app's token opens no other. `token` is the key Dapr's
# dapr.io/app-token-secret and dapr.io/api-token-secret annotations read.
#
# Usage: generate-secrets.sh [--force] [OVERLAY...]   (default: every overlay)
# An existing file is kept unless --force: running it again changes nothing, so a
# deployed system keeps its credentials. Set INVOICE_API_KEY to choose the API key.
# Values: 32 random bytes, hex (64 characters; the apps require at least 16), from
# openssl, else Python's `secrets`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
apps=(workflow-app upload-service split-service extract-service aggregate-service)
force=0
overlays=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "generate-secrets.sh: unknown option $arg" >&2; exit 2 ;;
    *) overlays+=("$arg") ;;
  esac
done
if [[ ${#overlays[@]} -eq 0 ]]; then
  for dir in "$here"/overlays/*/; do overlays+=("$(basename "$dir")"); done
fi

random_hex() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex 32
  else
    python3 -c 'import secrets; print(secrets.token_hex(32))'
  fi
}

umask 077
# write FILE KEY [VALUE]: FILE holds KEY=VALUE (a fresh random value when none is given).
write() {
  local file="$1" key="$2" value="${3:-}"
  if [[ -f "$file" && $force -eq 0 ]]; then
    echo "kept    ${file#"$here"/}"
    return
  fi
  [[ -n "$value" ]] || value="$(random_hex)"
  printf '%s=%s\n' "$key" "$value" >"$file.tmp"
  mv "$file.tmp" "$file"
  echo "wrote   ${file#"$here"/}"
}

if [[ -n "${INVOICE_API_KEY:-}" && ${#INVOICE_API_KEY} -lt 16 ]]; then
  echo "generate-secrets.sh: INVOICE_API_KEY must be at least 16 characters" >&2
  exit 2
fi
for overlay in "${overlays[@]}"; do
  dir="$here/overlays/$overlay"
  if [[ ! -f "$dir/kustomization.yaml" ]]; then
    echo "generate-secrets.sh: no overlay $overlay in $here/overlays" >&2
    exit 2
  fi
  mkdir -p "$dir/secrets"
  write "$dir/secrets/invoice-api-key.env" INVOICE_API_KEY "${INVOICE_API_KEY:-}"
  write "$dir/secrets/redis-auth.env" password
  for app in "${apps[@]}"; do
    write "$dir/secrets/$app-app-token.env" token
    write "$dir/secrets/$app-dapr-token.env" token
  done
done
