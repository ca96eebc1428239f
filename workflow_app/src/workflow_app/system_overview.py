"""What the console's system view shows, gathered by the host: its sidecar's metadata
(components, actor and workflow types, placement and scheduler), and each service
reached through service invocation, as a workflow's activity would reach it."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field

from invoice_shared.dapr_names import SERVICE_APP_IDS
from workflow_app.sidecar import Sidecar

Json = dict[str, Any]


class AppHealth(BaseModel):
    app_id: str
    healthy: bool
    detail: str | None = None
    runtime_version: str | None = None
    components: list[str] = Field(default_factory=list)
    actor_types: list[str] = Field(default_factory=list)


class SystemOverview(BaseModel):
    apps: list[AppHealth]
    infrastructure: dict[str, str] = Field(
        description="placement, scheduler and the state store as the host's sidecar sees them"
    )
    sidecar_metadata: Json = Field(description="The host's sidecar's own /v1.0/metadata.")


def summarize_host(app_id: str, metadata: Json) -> tuple[AppHealth, dict[str, str]]:
    """The host's row and the infrastructure, from its sidecar's metadata (pure)."""
    actors = metadata.get("actorRuntime") or {}
    components = [f"{c.get('name')} ({c.get('type')})" for c in metadata.get("components") or []]
    types = [str(a.get("type")) for a in actors.get("activeActors") or []]
    scheduler = metadata.get("scheduler") or {}
    connected = scheduler.get("connected_addresses") or scheduler.get("connectedAddresses") or []
    store = [
        c for c in metadata.get("components") or [] if str(c.get("type", "")).startswith("state.")
    ]
    infrastructure = {
        "placement": str(actors.get("placement") or "unknown"),
        "scheduler": f"connected to {', '.join(connected)}" if connected else "not connected",
        "state store": ", ".join(f"{c.get('name')} ({c.get('type')})" for c in store) or "none",
        "actor runtime": str(actors.get("runtimeStatus") or "unknown"),
    }
    row = AppHealth(
        app_id=app_id,
        healthy=bool(actors.get("hostReady", True)),
        runtime_version=metadata.get("runtimeVersion"),
        components=components,
        actor_types=types,
    )
    return row, infrastructure


async def gather(sidecar: Sidecar, app_id: str) -> SystemOverview:
    metadata = await asyncio.to_thread(sidecar.metadata)
    host_row, infrastructure = summarize_host(app_id, metadata)

    async def service(service_id: str) -> AppHealth:
        healthy, detail = await asyncio.to_thread(sidecar.probe, service_id, "healthz")
        return AppHealth(app_id=service_id, healthy=healthy, detail=detail)

    services = await asyncio.gather(*(service(s) for s in SERVICE_APP_IDS))
    return SystemOverview(
        apps=[*services, host_row], infrastructure=infrastructure, sidecar_metadata=metadata
    )
