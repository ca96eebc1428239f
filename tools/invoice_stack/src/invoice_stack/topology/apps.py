"""The apps of the stack: their ids (from `invoice_shared.dapr_names`) and what serves them."""

from __future__ import annotations

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
