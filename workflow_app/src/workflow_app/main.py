"""Workflow host: `uvicorn workflow_app.main:app`.

Hosts `invoice_workflow` and `page_batch_workflow` and the REST API to manage them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from dapr.ext.workflow.aio import DaprWorkflowClient
from fastapi import FastAPI, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPBearer

from invoice_shared.auth import (
    API_KEY_HEADER,
    DOC_PATHS,
    HEALTH_PATHS,
    ApiKeySettings,
    AppTokenSettings,
    load_secret,
    require_credentials,
)
from invoice_shared.dapr_names import WORKFLOW_APP_ID
from invoice_shared.models import ErrorBody
from invoice_shared.web import add_health_route, configure_logging, install_error_handlers
from workflow_app.body_rules import body_rules
from workflow_app.config import get_settings
from workflow_app.engine_api import WorkflowEngine
from workflow_app.lifecycle import router as lifecycle_router
from workflow_app.routes import StartLocks, router
from workflow_app.runtime import WorkflowHost, sdk_logger_options
from workflow_app.uploads import router as uploads_router

# The middleware enforces the key; these declare it in OpenAPI (the Authorize button
# in /docs). Either one will do.
_API_KEY = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="INVOICE_API_KEY")
_BEARER = HTTPBearer(auto_error=False, description="INVOICE_API_KEY as a bearer token")
_PROTECTED = {
    "dependencies": [Security(_API_KEY), Security(_BEARER)],
    "responses": {401: {"model": ErrorBody, "description": "No or a wrong API key"}},
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    host = WorkflowHost(settings)
    host.start_in_background()
    app.state.host = host
    app.state.workflow_client = DaprWorkflowClient(
        host=settings.dapr_host,
        port=str(settings.dapr_grpc_port),
        logger_options=sdk_logger_options(),
    )
    app.state.start_locks = StartLocks()
    app.state.engine = WorkflowEngine(
        settings.dapr_host, settings.dapr_grpc_port, settings.dapr_api_token
    )
    try:
        yield
    finally:
        # The aio DaprWorkflowClient of SDK 1.18.3 has no close(); its channel ends with
        # the process.
        await app.state.engine.close()
        await asyncio.to_thread(host.stop)


def create_app() -> FastAPI:
    configure_logging()
    app = FastAPI(
        title=WORKFLOW_APP_ID,
        version="0.1.0",
        description="Starts and inspects invoice workflows running on Dapr Workflow.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    add_health_route(app)
    app.middleware("http")(body_rules(get_settings()))

    @app.get("/readyz", tags=["health"], summary="Ready to run workflows")
    async def readyz() -> JSONResponse:
        ready, reason = await asyncio.to_thread(app.state.host.readiness.check)
        return JSONResponse(
            status_code=200 if ready else 503,
            content={"status": "ready" if ready else "not_ready", "reason": reason},
        )

    app.include_router(router, **_PROTECTED)  # type: ignore[arg-type]
    app.include_router(lifecycle_router, **_PROTECTED)  # type: ignore[arg-type]
    app.include_router(uploads_router, **_PROTECTED)  # type: ignore[arg-type]
    # Added last, so it runs first: nothing else sees a request without credentials.
    require_credentials(
        app,
        app_token=load_secret(AppTokenSettings, "APP_API_TOKEN"),
        api_key=load_secret(ApiKeySettings, "INVOICE_API_KEY"),
        open_paths=HEALTH_PATHS | DOC_PATHS,
    )
    return app


app = create_app()
