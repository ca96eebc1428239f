"""GET /api/system: the apps, sidecars and infrastructure, for the console's system view."""

from __future__ import annotations

from fastapi import APIRouter

from workflow_app.api.deps import Host, SettingsDep
from workflow_app.system_overview import SystemOverview, gather

router = APIRouter(prefix="/api", tags=["system"])


@router.get(
    "/system",
    summary="Every app and its sidecar, placement, scheduler, the state store, the extraction cap",
)
async def system(host: Host, settings: SettingsDep) -> SystemOverview:
    return await gather(host.sidecar, settings.app_id, settings.dapr_http_port)
