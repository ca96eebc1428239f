"""The Dapr configuration one stack's sidecars run with.

`config/config.yaml` is the configuration users see and `dapr run -f` uses. A stack
started by our supervisor runs with a copy that resolves app ids through a SQLite file
of its own, so two stacks on one machine never reach each other's apps (mDNS, the
default, is machine-wide). Stock `dapr init` binaries lack that resolver; with them the
copy keeps mDNS.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from invoice_shared.dapr_names import EXTRACT_ACTIVITY


def supports_sqlite_resolver(bin_dir: Path) -> bool:
    marker = bin_dir / ".name-resolvers"
    return marker.exists() and "sqlite" in marker.read_text().split()


def write_stack_config(
    base: Path,
    run_dir: Path,
    sqlite_resolver: bool,
    extract_limit: int | None = None,
    target: Path | None = None,
    tracing: dict[str, object] | None = None,
) -> Path:
    """Our configuration, plus this stack's name resolution, extraction cap and (when
    it runs a trace backend) `tracing` section.

    Written to `target` (default: `run_dir/dapr-config.yaml`); `run_dir` is where the
    sidecars see the run directory (a container's path for the compose stack).
    """
    config = yaml.safe_load(base.read_text())
    if extract_limit is not None:
        config["spec"].setdefault("workflow", {})["activityConcurrencyLimits"] = [
            {"name": EXTRACT_ACTIVITY, "maxConcurrent": extract_limit}
        ]
    if tracing is not None:
        config["spec"]["tracing"] = tracing
    if sqlite_resolver:
        config.setdefault("spec", {})["nameResolution"] = {
            "component": "sqlite",
            "configuration": {
                "connectionString": str(run_dir / "name-resolution.db"),
                # The resolver's hourly clean-up (components-contrib, Dapr 1.18.2) deletes
                # the hosts renewed within `updateInterval` instead of the stale ones
                # (`... - last_update < interval`): at the first clean-up, an hour after
                # start, every sidecar lost its registration and exited ("Host
                # registration lost", seen in the long-haul run). Off: a lookup already
                # skips hosts not renewed within the interval, and a restarted sidecar
                # takes over its address's row, so nothing piles up.
                "cleanupInterval": "0s",
            },
        }
    target = target or run_dir / "dapr-config.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    return target
