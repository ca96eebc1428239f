"""What the console's system view shows, gathered by the host: each app's sidecar as
that app reads it (services answer `GET /status` through service invocation, as a
workflow's activity would reach them), placement, scheduler and the state store as the
host's sidecar sees them, and the extraction cap against the extractions in flight."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field

from invoice_shared.dapr_names import EXTRACT_APP_ID, SERVICE_APP_IDS
from invoice_shared.policy import EXTRACT_CONCURRENCY_LIMIT
from invoice_shared.sidecar_status import ServiceStatus, SidecarSummary, summarize
from workflow_app.sidecar import Sidecar

Json = dict[str, Any]


class AppHealth(BaseModel):
    app_id: str
    healthy: bool
    detail: str | None = None
    sidecar: SidecarSummary | None = None
    gauges: dict[str, int] = Field(default_factory=dict)


class Extraction(BaseModel):
    cap: int = Field(description="Extractions the sidecars run at once, system-wide.")
    in_flight: int | None = Field(description="Extractions the extract service runs now.")
    workers: int | None = Field(description="The extract service's worker processes.")


class SystemOverview(BaseModel):
    apps: list[AppHealth]
    infrastructure: dict[str, str] = Field(
        description="placement, scheduler and the state store as the host's sidecar sees them"
    )
    extraction: Extraction
    sidecar_metadata: Json = Field(description="The host's sidecar's own /v1.0/metadata.")


def summarize_host(
    app_id: str, metadata: Json, dapr_http_port: int | None = None
) -> tuple[AppHealth, dict[str, str]]:
    """The host's row and the infrastructure, from its sidecar's metadata (pure)."""
    actors = metadata.get("actorRuntime") or {}
    sidecar = summarize(metadata, dapr_http_port)
    store = [
        f"{c.get('name')} ({c.get('type')})"
        for c in metadata.get("components") or []
        if str(c.get("type", "")).startswith("state.")
    ]
    infrastructure = {
        "placement": sidecar.placement or "unknown",
        "scheduler": f"connected to {', '.join(sidecar.scheduler)}"
        if sidecar.scheduler
        else "not connected",
        "state store": ", ".join(store) or "none",
        "actor runtime": str(actors.get("runtimeStatus") or "unknown"),
    }
    row = AppHealth(app_id=app_id, healthy=bool(actors.get("hostReady", True)), sidecar=sidecar)
    return row, infrastructure


def service_row(service_id: str, answered: Json | None, problem: str | None) -> AppHealth:
    """A service's row from its `GET /status` answer, or from why there was none (pure)."""
    if answered is None:
        return AppHealth(app_id=service_id, healthy=False, detail=problem)
    status = ServiceStatus.model_validate(answered)
    return AppHealth(
        app_id=service_id,
        healthy=True,
        detail=status.sidecar_error or "answers through its sidecar",
        sidecar=status.sidecar,
        gauges=status.gauges,
    )


def extraction_of(apps: list[AppHealth]) -> Extraction:
    gauges = next((a.gauges for a in apps if a.app_id == EXTRACT_APP_ID), {})
    return Extraction(
        cap=EXTRACT_CONCURRENCY_LIMIT,
        in_flight=gauges.get("extractions_in_flight"),
        workers=gauges.get("extraction_workers"),
    )


async def gather(sidecar: Sidecar, app_id: str, dapr_http_port: int) -> SystemOverview:
    metadata = await asyncio.to_thread(sidecar.metadata)
    host_row, infrastructure = summarize_host(app_id, metadata, dapr_http_port)
    store_ok, store_detail = await asyncio.to_thread(sidecar.probe_state)
    verdict = store_detail if store_ok else f"NOT OK, {store_detail}"
    infrastructure["state store"] += f": {verdict}"

    async def service(service_id: str) -> AppHealth:
        answered, problem = await asyncio.to_thread(sidecar.invoke_get, service_id, "status")
        return service_row(service_id, answered, problem)

    services = await asyncio.gather(*(service(s) for s in SERVICE_APP_IDS))
    apps = [*services, host_row]
    return SystemOverview(
        apps=apps,
        infrastructure=infrastructure,
        extraction=extraction_of(apps),
        sidecar_metadata=metadata,
    )
