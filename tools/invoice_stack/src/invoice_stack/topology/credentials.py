"""The environment variables that carry a stack's secrets (see `invoice_stack.tokens`).

The apps read the same names (`invoice_shared.auth`, `workflow_app.main`).
"""

from __future__ import annotations

from typing import Final

# What a sidecar presents to its app; the app accepts nothing without it.
APP_TOKEN_VAR: Final = "APP_API_TOKEN"
# What an app (and the `dapr` CLI) presents to a sidecar; daprd reads the same name.
DAPR_TOKEN_VAR: Final = "DAPR_API_TOKEN"
# The key of the host's public REST API; the request collections read it from `.env`.
API_KEY_VAR: Final = "INVOICE_API_KEY"
