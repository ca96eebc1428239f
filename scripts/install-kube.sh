#!/usr/bin/env bash
# Make kube-apiserver, etcd and kubectl available at the pinned versions, for tests that
# start a real API server on loopback and run `kubectl apply --dry-run=server` on our
# manifests. No kubelet, scheduler or controller manager: nothing is ever scheduled.
#
# Order of preference, per binary:
#   1. our per-user cache (built earlier, keyed by both versions)     -> seconds
#   2. a binary on PATH that reports the pinned version
#   3. a build from the Go module proxy into the cache                -> minutes
# Prints the directory holding the three binaries on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=go-proxy-build.sh
source "$here/go-proxy-build.sh"

kube="$KUBERNETES_VERSION" etcd="$ETCD_VERSION"
cache_root="${INVOICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/invoice-dapr}"
bin_dir="$cache_root/kube-$kube-etcd-$etcd/bin"
log() { echo "[install-kube] $*" >&2; }

# `kube-apiserver --version` prints "Kubernetes v1.37.2", `kubectl version --client`
# "Client Version: v1.37.2" (then kustomize's), `etcd --version` "etcd Version: 3.7.0".
version_of() {
  case "$(basename "$1")" in
    kube-apiserver) "$1" --version 2>/dev/null | sed -n 's/^Kubernetes v//p' ;;
    kubectl) "$1" version --client 2>/dev/null | sed -n 's/^Client Version: v//p' ;;
    etcd) "$1" --version 2>/dev/null | sed -n 's/^etcd Version: //p' ;;
  esac
}
good() {
  local want="$kube"; [[ "$(basename "$1")" == etcd ]] && want="$etcd"
  [[ -x "$1" && "$(version_of "$1")" == "$want" ]]
}
complete() { good "$bin_dir/kube-apiserver" && good "$bin_dir/etcd" && good "$bin_dir/kubectl"; }

# The manifest test signs service-account tokens with a key openssl makes.
if ! command -v openssl >/dev/null; then
  log "installing Debian's openssl"
  sudo_cmd=""; [[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends openssl >&2
fi

if complete; then
  log "using cached Kubernetes $kube / etcd $etcd binaries in $bin_dir"
  echo "$bin_dir"; exit 0
fi
mkdir -p "$bin_dir"
for b in kube-apiserver etcd kubectl; do
  if ! good "$bin_dir/$b" && command -v "$b" >/dev/null && good "$(command -v "$b")"; then
    log "using the $b at $(command -v "$b")"
    ln -sf "$(command -v "$b")" "$bin_dir/$b"
  fi
done
if complete; then echo "$bin_dir"; exit 0; fi

command -v go >/dev/null || { log "Go is required to build Kubernetes and etcd (none on PATH)"; exit 1; }
export CGO_ENABLED=0
start=$(date +%s)

# commit_of: upstream's commit when the proxy records it (often not, for tagged releases).
commit_of() { python3 -c 'import json,sys; print((json.loads(sys.argv[1]).get("Origin") or {}).get("Hash",""))' "$info"; }

if ! good "$bin_dir/kube-apiserver" || ! good "$bin_dir/kubectl"; then
  log "building kube-apiserver and kubectl $kube from the Go module proxy (cold: ~15 min on 2 busy cores)"
  IFS=. read -r major minor patch <<<"$kube"
  proxy_module k8s.io/kubernetes "$kube" "$cache_root/build-kubernetes-$kube" "v0.$minor.$patch"
  # Upstream's flags (hack/lib/golang.sh, hack/lib/version.sh): static, its build tags,
  # -s -w, and the version in both version packages: the API server derives its
  # compatibility version from it, and kubectl reports it.
  date="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("Time",""))' "$(field Info)")"
  ld="-s -w" commit="$(commit_of)"
  for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ld+=" -X $p.gitVersion=v$kube -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.buildDate=$date"
    [[ -z "$commit" ]] || ld+=" -X $p.gitCommit=$commit -X $p.gitTreeState=clean"
  done
  for b in kube-apiserver kubectl; do
    good "$bin_dir/$b" && continue
    t0=$(date +%s)
    log "$b: k8s.io/kubernetes/cmd/$b"
    GOFLAGS="-mod=mod -tags=selinux,notest,grpcnotrace" proxy_build kube "$bin_dir/$b" "k8s.io/kubernetes/cmd/$b" "$ld"
    good "$bin_dir/$b" || { log "$bin_dir/$b does not report v$kube"; exit 1; }
    log "$b built in $(( $(date +%s) - t0 )) s"
  done
fi

if ! good "$bin_dir/etcd"; then
  log "building etcd $etcd from the Go module proxy (cold: ~1 min after the API server)"
  t0=$(date +%s)
  # The etcd binary's main package is the root of the server module (server/main.go);
  # its siblings (api, client, pkg) are released with the same version.
  proxy_module go.etcd.io/etcd/server/v3 "$etcd" "$cache_root/build-etcd-$etcd" "v$etcd"
  ld="-s -w" commit="$(commit_of)"
  [[ -z "$commit" ]] || ld+=" -X go.etcd.io/etcd/api/v3/version.GitSHA=${commit:0:7}"
  GOFLAGS=-mod=mod proxy_build kube "$bin_dir/etcd" go.etcd.io/etcd/server/v3 "$ld"
  good "$bin_dir/etcd" || { log "$bin_dir/etcd does not report $etcd"; exit 1; }
  log "etcd built in $(( $(date +%s) - t0 )) s"
fi

complete || { log "$bin_dir is incomplete after the build"; exit 1; }
log "Kubernetes $kube / etcd $etcd binaries ready in $bin_dir ($(( $(date +%s) - start )) s)"
echo "$bin_dir"
