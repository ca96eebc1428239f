"""What an app's own Dapr sidecar says about it (its /v1.0/metadata), summarized.

Every service answers `GET /status` with this, so the host can gather the whole
system's picture through service invocation, as the Dapr dashboard once did by
reaching into each sidecar itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import APIRouter
from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings

Json = dict[str, Any]


class SidecarSettings(BaseSettings):
    """Where this app's sidecar listens; the Dapr CLI, our supervisor and compose set these."""

    dapr_host: str = "127.0.0.1"
    dapr_http_port: int | None = None
    dapr_api_token: SecretStr | None = None


class SidecarSummary(BaseModel):
    app_id: str | None = None
    runtime_version: str | None = None
    dapr_http_port: int | None = None
    app_port: int | None = None
    app_protocol: str | None = None
    app_max_concurrency: int | None = None
    components: list[str] = Field(default_factory=list, description="name (type/version)")
    actor_types: list[str] = Field(default_factory=list)
    enabled_features: list[str] = Field(default_factory=list)
    placement: str | None = None
    scheduler: list[str] = Field(default_factory=list, description="Connected addresses.")
    workflow_workers: int | None = Field(
        default=None, description="Workflow workers connected to this sidecar."
    )


class ServiceStatus(BaseModel):
    app_id: str
    sidecar: SidecarSummary | None = None
    sidecar_error: str | None = Field(default=None, description="Why the sidecar was not read.")
    gauges: dict[str, int] = Field(default_factory=dict, description="The service's own load.")


def summarize(metadata: Json, dapr_http_port: int | None = None) -> SidecarSummary:
    """The parts of a sidecar's metadata an operator looks at (pure)."""
    connection = metadata.get("appConnectionProperties") or {}
    actors = metadata.get("actorRuntime") or {}
    active = actors.get("activeActors") or metadata.get("actors") or []
    scheduler = metadata.get("scheduler") or {}
    workflows = metadata.get("workflows") or {}
    return SidecarSummary(
        app_id=metadata.get("id"),
        runtime_version=metadata.get("runtimeVersion"),
        dapr_http_port=dapr_http_port,
        app_port=connection.get("port"),
        app_protocol=connection.get("protocol"),
        app_max_concurrency=connection.get("maxConcurrency"),
        components=[
            f"{c.get('name')} ({c.get('type')}/{c.get('version') or 'v1'})"
            for c in metadata.get("components") or []
        ],
        actor_types=sorted(str(a.get("type")) for a in active),
        enabled_features=list(metadata.get("enabledFeatures") or []),
        placement=actors.get("placement"),
        scheduler=list(
            scheduler.get("connected_addresses") or scheduler.get("connectedAddresses") or []
        ),
        workflow_workers=workflows.get("connectedWorkers"),
    )


def read_own_sidecar(settings: SidecarSettings) -> SidecarSummary:
    """This app's sidecar's metadata, summarized; raises httpx errors when it cannot."""
    if settings.dapr_http_port is None:
        raise RuntimeError("DAPR_HTTP_PORT is not set: this app was started without a sidecar")
    token = settings.dapr_api_token
    response = httpx.get(
        f"http://{settings.dapr_host}:{settings.dapr_http_port}/v1.0/metadata",
        headers={"dapr-api-token": token.get_secret_value()} if token else {},
        timeout=3.0,
    )
    response.raise_for_status()
    return summarize(response.json(), settings.dapr_http_port)


def status_router(app_id: str, gauges: Callable[[], dict[str, int]] | None = None) -> APIRouter:
    """`GET /status`: the service's sidecar as it sees it, and its own gauges."""
    router = APIRouter(tags=["health"])

    @router.get("/status", summary="This service's sidecar (from its metadata) and its load")
    def status() -> ServiceStatus:
        answer = ServiceStatus(app_id=app_id, gauges=gauges() if gauges else {})
        try:
            answer.sidecar = read_own_sidecar(SidecarSettings())
        except (httpx.HTTPError, RuntimeError) as exc:
            answer.sidecar_error = f"{type(exc).__name__}: {exc}"
        return answer

    return router
