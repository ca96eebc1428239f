"""What the host's routes depend on. The factory and lifespan in main.py make each of
these once per app and keep it on `app.state`; tests can build an app with their own."""

from __future__ import annotations

from typing import Annotated, Any, cast

from dapr.ext.workflow.aio import DaprWorkflowClient
from fastapi import Depends, Path, Request, Security, params
from fastapi.security import APIKeyHeader, HTTPBearer

from invoice_shared.auth import API_KEY_HEADER
from invoice_shared.models import ErrorBody
from workflow_app.config import Settings
from workflow_app.engine_api import WorkflowEngine
from workflow_app.runtime import WorkflowHost
from workflow_app.starting import StartLocks


def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def get_client(request: Request) -> DaprWorkflowClient:
    return cast(DaprWorkflowClient, request.app.state.workflow_client)


def get_engine(request: Request) -> WorkflowEngine:
    return cast(WorkflowEngine, request.app.state.engine)


def get_start_locks(request: Request) -> StartLocks:
    return cast(StartLocks, request.app.state.start_locks)


def get_host(request: Request) -> WorkflowHost:
    return cast(WorkflowHost, request.app.state.host)


SettingsDep = Annotated[Settings, Depends(get_settings)]
Client = Annotated[DaprWorkflowClient, Depends(get_client)]
Engine = Annotated[WorkflowEngine, Depends(get_engine)]
Locks = Annotated[StartLocks, Depends(get_start_locks)]
Host = Annotated[WorkflowHost, Depends(get_host)]

InstanceId = Annotated[str, Path(min_length=1, max_length=200, examples=["INV-2025-001"])]

# The middleware (invoice_shared.auth.require_credentials) enforces the key; these
# declare it in OpenAPI (the Authorize button in /docs). Either one will do.
_API_KEY = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="INVOICE_API_KEY")
_BEARER = HTTPBearer(auto_error=False, description="INVOICE_API_KEY as a bearer token")
API_KEY_DOCUMENTED: list[params.Depends] = [Security(_API_KEY), Security(_BEARER)]
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No or a wrong API key"}
}
