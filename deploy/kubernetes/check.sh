#!/usr/bin/env bash
# Render every overlay (secrets first, as CI must), and with --server also have the API
# server of the current kubectl context validate them without changing anything.
#
#   deploy/kubernetes/check.sh            # kubectl kustomize each overlay (no cluster)
#   deploy/kubernetes/check.sh --server   # + kubectl apply --dry-run=server -k each
#
# --server needs, on that cluster: Dapr's CRDs (the Dapr Helm chart installs them, or
# `kubectl apply` the chart's crds/ directory) and each overlay's namespace (server-side
# dry-run creates nothing, so the namespaced resources are refused without it; this
# script applies the overlay's namespace.yaml for real first).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
server=0
[[ "${1:-}" == "--server" ]] && server=1

"$here/generate-secrets.sh" >/dev/null
status=0
for dir in "$here"/overlays/*/; do
  overlay="$(basename "$dir")"
  if out="$(kubectl kustomize "$dir")"; then
    echo "rendered $overlay: $(grep -c '^kind:' <<<"$out") resources"
  else
    echo "FAILED to render $overlay" >&2; status=1; continue
  fi
  if [[ $server -eq 1 ]]; then
    kubectl apply -f "$dir/namespace.yaml" >/dev/null
    if kubectl apply --dry-run=server -k "$dir" >/dev/null; then
      echo "server dry-run $overlay: accepted"
    else
      echo "server dry-run $overlay: REFUSED (see above)" >&2; status=1
    fi
  fi
done
exit $status
