# Sourced by the install scripts that build a Go program from the module proxy
# (install-temporal.sh, install-jaeger.sh, install-kube.sh); defines functions only.
#
# A plain `go install pkg@version` is refused for modules whose go.mod has replace
# directives, so we build inside a throwaway module that requires the pinned version,
# repeats upstream's replaces and starts from upstream's go.sum: every module is then
# checked against the checksums upstream released with.

# proxy_module MODULE VERSION WORK_DIR [SIBLING_VERSION]: make WORK_DIR (and cd into it)
# a module that requires MODULE@vVERSION. Sets `info` (go mod download's JSON), `mod`
# (upstream's go.mod) and `dir` (upstream's source). Exits the script, with the reason
# logged, when the proxy does not serve it or a replace points at a local path the proxy
# cannot serve. A repository of several modules (Kubernetes' staging modules, etcd's api
# and client) replaces its siblings by their directories; they are also released on their
# own, so with SIBLING_VERSION each required sibling is taken at that release, and local
# replaces of modules upstream does not require are dropped (some are not served).
# Call it plainly, not in a `||` or `if`: that would switch off `set -e` inside it.
proxy_module() {
  local module="$1" version="$2" work="$3" sibling="${4:-}" replaces
  mkdir -p "$work" && cd "$work"
  [[ -f go.mod ]] || go mod init "invoice-build/$(basename "$work")" >/dev/null 2>&1
  info="$(go mod download -json "$module@v$version")" || true
  mod="$(field GoMod)"; dir="$(field Dir)"
  if [[ -z "$mod" || -z "$dir" ]]; then
    log "the proxy did not serve $module@v$version: $(field Error)"; exit 1
  fi
  replaces="$(go mod edit -json "$mod" | python3 -c '
import json, sys
sibling = sys.argv[1]
upstream = json.load(sys.stdin)
required = {r["Path"] for r in upstream.get("Require") or []}
for r in upstream.get("Replace") or []:
    old, new = r["Old"], r["New"]
    lhs = old["Path"] + ("@" + old["Version"] if old.get("Version") else "")
    if new.get("Version"):
        print("-replace=" + lhs + "=" + new["Path"] + "@" + new["Version"])
    elif not sibling:
        sys.exit(old["Path"] + " is replaced by the local path " + new["Path"])
    elif old["Path"] in required:
        print("-replace=" + lhs + "=" + old["Path"] + "@" + sibling)
' "$sibling")" || { log "$module@v$version cannot be built from the proxy (see above)"; exit 1; }
  [[ -z "$replaces" ]] || xargs go mod edit <<<"$replaces"
  # Upstream's go.sum has no lines for siblings (local there): the go command checks those
  # against the checksum database, which the proxy serves.
  cat "$dir/go.sum" >> go.sum && sort -u -o go.sum go.sum
  go mod edit -go="$(go mod edit -json "$mod" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Go"])')"
  go mod edit -require="$module@v$version"
}

# field NAME: a field of `info`, "" when absent.
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2]) or "")' "$info" "$1"; }

# proxy_build NAME OUT PACKAGE LDFLAGS: build PACKAGE into OUT (through OUT.tmp) at low
# priority, since it takes both cores for minutes; compiler errors go to stderr, and a
# count of compiled packages every hundred, prefixed [install-NAME].
proxy_build() {
  local name="$1" out="$2" package="$3" ldflags="$4"
  log "go build $name ..."
  if ! nice -n 19 go build -v -trimpath -ldflags "$ldflags" -o "$out.tmp" "$package" 2>&1 \
    | awk -v name="$name" '/^go: downloading/ {next} /: |^#/ {print > "/dev/stderr"; next}
           {c++; if (c % 100 == 0) printf "[install-%s] %d packages compiled\n", name, c > "/dev/stderr"}'
  then
    log "go build failed"; exit 1
  fi
  mv "$out.tmp" "$out"
}
