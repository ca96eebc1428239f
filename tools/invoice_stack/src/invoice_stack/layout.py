"""Locating the repo, the Dapr binaries and the run directory for `make` targets."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from invoice_stack.topology import StackLayout
from invoice_stack.topology.apps import GO_SOURCES

# Relative to the repository, unless INVOICE_RUN_DIR or SOURCE_BASE_DIR say otherwise.
RUN_DIR = ".run"
SOURCE_DIR = "data"


def find_repo(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "components").is_dir() and (
            candidate / "scripts" / "install-dapr.sh"
        ).exists():
            return candidate
    raise SystemExit(f"cannot find the repository root above {here}")


def dapr_bin_dir(repo: Path) -> Path:
    """DAPR_BIN_DIR if set, else whatever scripts/install-dapr.sh provides (cached)."""
    if os.environ.get("DAPR_BIN_DIR"):
        return Path(os.environ["DAPR_BIN_DIR"])
    return _installed_dir(repo, "install-dapr.sh")


def jaeger_binary(repo: Path) -> Path:
    """JAEGER_BIN if set, else what scripts/install-jaeger.sh builds (cached)."""
    if os.environ.get("JAEGER_BIN"):
        return Path(os.environ["JAEGER_BIN"])
    return _installed_dir(repo, "install-jaeger.sh") / "jaeger"


def _installed_dir(repo: Path, script: str) -> Path:
    """The directory an install script prints last (building or reusing its cache)."""
    out = subprocess.run(
        ["bash", str(repo / "scripts" / script)], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return Path(out.strip().splitlines()[-1])


def go_binary(repo: Path, app_id: str) -> Path:
    """The Go implementation of `app_id`, built by scripts/build-go-service.sh (cached by
    a hash of its sources)."""
    out = subprocess.run(
        ["bash", str(repo / "scripts" / "build-go-service.sh"), GO_SOURCES[app_id]],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return Path(out.strip().splitlines()[-1])


def prometheus_binary(repo: Path) -> Path:
    """Debian's prometheus, installed by scripts/install-prometheus.sh if missing."""
    found = shutil.which("prometheus")
    if found is None:
        subprocess.run(["bash", str(repo / "scripts" / "install-prometheus.sh")], check=True)
        found = shutil.which("prometheus")
    if found is None:
        raise SystemExit("prometheus is missing: run `bash scripts/install-prometheus.sh`")
    return Path(found)


def default_run_dir(repo: Path) -> Path:
    return Path(os.environ.get("INVOICE_RUN_DIR", repo / RUN_DIR))


def default_layout(repo: Path, go_apps: tuple[str, ...] = ()) -> StackLayout:
    """The layout `make up` starts, the Go implementation of each of `go_apps`; resolving
    it may build the Dapr binaries and those."""
    source = Path(os.environ.get("SOURCE_BASE_DIR", repo / SOURCE_DIR))
    return StackLayout(
        repo=repo,
        bin_dir=dapr_bin_dir(repo),
        run_dir=default_run_dir(repo),
        source_dir=source,
        jaeger=jaeger_binary(repo),
        prometheus=prometheus_binary(repo),
        go_apps={app_id: go_binary(repo, app_id) for app_id in go_apps},
    )
