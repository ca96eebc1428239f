"""GET /readyz: can this host run workflows now (/healthz is every app's, in web.py)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from workflow_app.api.deps import Host

router = APIRouter(tags=["health"])


@router.get("/readyz", summary="Ready to run workflows")
async def readyz(host: Host) -> JSONResponse:
    ready, reason = await asyncio.to_thread(host.readiness.check)
    return JSONResponse(
        status_code=200 if ready else 503,
        content={"status": "ready" if ready else "not_ready", "reason": reason},
    )
