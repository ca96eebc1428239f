"""prometheus.yml for one stack, rendered from its scrape targets.

Pure: the caller says which jobs scrape which "host:port" targets and which rule files
to load; nothing here looks at ports, processes or the file system.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

HEADER = "# Rendered by invoice_stack.observability.prometheus_config.\n"


def render_prometheus_config(
    jobs: Mapping[str, Sequence[str]],
    rule_files: Sequence[Path],
    scrape_interval_seconds: int = 5,
) -> str:
    """The prometheus.yml text scraping `jobs` (job name -> "host:port" targets)."""
    if scrape_interval_seconds < 1:
        raise ValueError(f"scrape interval must be at least 1 s, not {scrape_interval_seconds}")
    # Prometheus resolves relative rule paths against its config file's folder, which
    # is rarely where the caller meant; absolute paths leave no doubt.
    relative = [str(path) for path in rule_files if not path.is_absolute()]
    if relative:
        raise ValueError(f"rule files must be absolute paths: {relative}")
    interval = f"{scrape_interval_seconds}s"
    config = {
        "global": {
            "scrape_interval": interval,
            # Prometheus refuses a timeout above the interval; its default is 10 s.
            "scrape_timeout": interval,
            "evaluation_interval": interval,
        },
        "rule_files": [str(path) for path in rule_files],
        "scrape_configs": [_scrape_config(name, targets) for name, targets in jobs.items()],
    }
    return HEADER + yaml.safe_dump(config, sort_keys=False, default_flow_style=False)


def _scrape_config(name: str, targets: Sequence[str]) -> dict[str, object]:
    # An empty job would render fine and scrape nothing, hiding a wiring mistake.
    if not name or not targets:
        raise ValueError(f"job {name!r} needs a name and at least one target")
    for target in targets:
        host, _, port = target.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"target {target!r} of job {name!r} is not host:port")
    return {
        "job_name": name,
        "metrics_path": "/metrics",
        "static_configs": [{"targets": list(targets)}],
    }
