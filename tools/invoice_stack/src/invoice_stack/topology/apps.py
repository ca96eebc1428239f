"""The apps of the stack: their ids (from `invoice_shared.dapr_names`) and what serves them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from invoice_shared.dapr_names import (
    AGGREGATE_APP_ID,
    EXTRACT_APP_ID,
    SPLIT_APP_ID,
    UPLOAD_APP_ID,
    WORKFLOW_APP_ID,
)

# Start order: the services before the host, whose readiness needs them reachable.
APP_IDS: Final = (UPLOAD_APP_ID, SPLIT_APP_ID, EXTRACT_APP_ID, AGGREGATE_APP_ID, WORKFLOW_APP_ID)

# The app serving the public REST API.
HOST_APP_ID: Final = WORKFLOW_APP_ID

# app id -> ASGI app served by uvicorn
APP_MODULES: Final = {
    UPLOAD_APP_ID: "upload_service.main:app",
    SPLIT_APP_ID: "split_service.main:app",
    EXTRACT_APP_ID: "extract_service.main:app",
    AGGREGATE_APP_ID: "aggregate_service.main:app",
    WORKFLOW_APP_ID: "workflow_app.main:app",
}

# The operator's console: not a Dapr app (it talks to the host's REST API), no sidecar.
CONSOLE: Final = "console"
CONSOLE_MODULE: Final = "console_app.main:app"

# How many instances of each app `make up` runs: WORKFLOW_REPLICAS=3 EXTRACT_REPLICAS=2.
REPLICA_VARS: Final = {
    WORKFLOW_APP_ID: "WORKFLOW_REPLICAS",
    UPLOAD_APP_ID: "UPLOAD_REPLICAS",
    SPLIT_APP_ID: "SPLIT_REPLICAS",
    EXTRACT_APP_ID: "EXTRACT_REPLICAS",
    AGGREGATE_APP_ID: "AGGREGATE_REPLICAS",
}


def replica_counts(environ: Mapping[str, str]) -> dict[str, int]:
    """The instances asked for per app id (those set in `environ`; unset means one)."""
    counts: dict[str, int] = {}
    for app_id, var in REPLICA_VARS.items():
        if value := environ.get(var, "").strip():
            if not value.isdigit():
                raise ValueError(f"{var}={value!r}: a number of replicas, such as 2")
            counts[app_id] = int(value)
    return counts


# Apps with an implementation in another language, chosen at start (AGGREGATE_IMPL=go):
# the same app id, port, token and contract (contracts/), another program.
IMPL_VARS: Final = {AGGREGATE_APP_ID: "AGGREGATE_IMPL"}
GO_SOURCES: Final = {AGGREGATE_APP_ID: "services/aggregate_service_go"}


def go_apps(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The app ids asked to run their Go implementation (IMPL_VARS set to "go")."""
    chosen = []
    for app_id, var in IMPL_VARS.items():
        value = environ.get(var, "").strip().lower()
        if value not in ("", "python", "go"):
            raise ValueError(f"{var}={value!r}: python (the default) or go")
        if value == "go":
            chosen.append(app_id)
    return tuple(chosen)
