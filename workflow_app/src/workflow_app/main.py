"""Workflow host: `uvicorn workflow_app.main:app` (built on first use, see lazy_app).

Hosts `invoice_workflow` and `page_batch_workflow` and the REST API to manage them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from dapr.ext.workflow.aio import DaprWorkflowClient
from fastapi import FastAPI
from pydantic import SecretStr

from invoice_shared.auth import (
    OPEN_PATHS,
    ApiKeySettings,
    AppTokenSettings,
    load_secret,
    require_credentials,
)
from invoice_shared.body_rules import BodyRules
from invoice_shared.dapr_names import WORKFLOW_APP_ID
from invoice_shared.docs import DOC_PATHS, serve_docs
from invoice_shared.openapi_errors import document_errors
from invoice_shared.telemetry import shutdown_tracing
from invoice_shared.web import (
    LOG_REQUEST_IDS,
    add_health_route,
    add_observability,
    configure_logging,
    install_error_handlers,
    lazy_app,
)
from workflow_app.api.deps import API_KEY_DOCUMENTED, UNAUTHORIZED
from workflow_app.api.routes import health, invoices, lifecycle, pages, system, workflows
from workflow_app.body_rules import BODY_RULE_ERRORS, host_body_rules
from workflow_app.config import Settings
from workflow_app.engine_api import WorkflowEngine
from workflow_app.fanout_repair import FanoutRepair
from workflow_app.runtime import WorkflowHost, sdk_logger_options
from workflow_app.starting import StartLocks
from workflow_app.state_reads import install_sidecar_error_handler
from workflow_app.sweeps import sweep_forever
from workflow_app.tracing import trace_workflow_client_calls


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
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
    sweeps = _start_sweeps(settings, app.state.workflow_client, app.state.engine, host)
    try:
        yield
    finally:
        sweeps.cancel()
        # The aio DaprWorkflowClient of SDK 1.18.3 has no close(); its channel ends with
        # the process.
        await app.state.engine.close()
        await asyncio.to_thread(host.stop)
        await asyncio.to_thread(shutdown_tracing)


def _start_sweeps(
    settings: Settings, client: DaprWorkflowClient, engine: WorkflowEngine, host: WorkflowHost
) -> asyncio.Task[None]:
    repair = None
    if settings.fanout_repair_seconds is not None:
        repair = FanoutRepair(
            engine,
            host.sidecar,
            settings.fanout_repair_seconds,
            restart_sidecar=settings.heal_wedged_sidecar,
        )
    sweeps = sweep_forever(settings.sweep_interval_seconds, client, engine, repair)
    return asyncio.create_task(sweeps, name="sweeps")


def create_app(
    settings: Settings | None = None,
    *,
    app_token: SecretStr | None = None,
    api_key: SecretStr | None = None,
) -> FastAPI:
    """The host's app. Settings, APP_API_TOKEN and INVOICE_API_KEY come from the
    environment unless given; the lifespan connects to the sidecar."""
    settings = settings if settings is not None else Settings()
    configure_logging()
    app = FastAPI(
        title=WORKFLOW_APP_ID,
        version="0.1.0",
        description="Starts and inspects invoice workflows running on Dapr Workflow.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    serve_docs(app)
    app.state.settings = settings
    install_error_handlers(app)
    install_sidecar_error_handler(app)
    add_health_route(app)
    app.add_middleware(BodyRules, rule_for=host_body_rules(settings))
    document_errors(app, BODY_RULE_ERRORS)
    app.include_router(health.router)
    for module in (workflows, lifecycle, invoices, pages, system):
        app.include_router(
            module.router,
            dependencies=[*API_KEY_DOCUMENTED, *LOG_REQUEST_IDS],
            responses=UNAUTHORIZED,
        )
    # Added after the others, so it runs before them: nothing else sees a request
    # without credentials, but the observers added next (metrics, tracing, log context).
    require_credentials(
        app,
        app_token=app_token or load_secret(AppTokenSettings, "APP_API_TOKEN"),
        api_key=api_key or load_secret(ApiKeySettings, "INVOICE_API_KEY"),
        open_paths=OPEN_PATHS | DOC_PATHS,
    )
    add_observability(app, WORKFLOW_APP_ID)
    trace_workflow_client_calls()
    return app


__getattr__ = lazy_app(__name__, create_app)
