"""How every sidecar runs, whoever starts it (our supervisor or `dapr run -f .`)."""

from __future__ import annotations

from typing import Final

APP_PROTOCOL: Final = "http"
LOG_LEVEL: Final = "info"
# Uploaded PDFs (up to 50 MiB) pass through service invocation.
MAX_BODY_SIZE: Final = "64Mi"
# Relative to the repository: the components and the configuration users see.
RESOURCES_DIR: Final = "components"
CONFIG_FILE: Final = "config/config.yaml"
