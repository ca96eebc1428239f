"""Calling the host's REST API from a load generator (soak, bench) as a careful client
does: resend what a dropped connection or a 503 "retry" interrupted."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


async def call_api(
    client: httpx.AsyncClient, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    """One request, sent again if the connection drops (a pooled keep-alive connection
    the server closed just as we reused it answers ReadError) or the API says 503."""
    for attempt in range(4):
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.TransportError:
            if attempt == 3:
                raise
        else:
            if response.status_code != 503 or attempt == 3:
                return response
        await asyncio.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")
