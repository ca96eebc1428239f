"""/docs and /redoc work without internet: every asset they load is served by the app,
without credentials, and nothing points at a CDN."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from fastapi import FastAPI

from upload_service.main import create_app as create_upload_app
from workflow_app.main import create_app as create_host_app


class Client:
    """GETs against an app in process (no lifespan: nothing here needs a sidecar)."""

    def __init__(self, app: FastAPI, headers: dict[str, str] | None = None) -> None:
        self.app, self.headers = app, headers or {}

    def get(self, path: str) -> httpx.Response:
        async def run() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
                return await http.get(path, headers=self.headers)

        return asyncio.run(run())


@pytest.fixture(scope="module")
def host() -> Client:
    return Client(create_host_app())


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_pages_load_only_what_the_app_serves_itself(host: Client, page: str):
    html = host.get(page)
    assert html.status_code == 200, html.text
    assert "cdn." not in html.text and "fonts.googleapis" not in html.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert assets, html.text
    for asset in assets:
        assert asset.startswith("/docs-assets/"), asset
        response = host.get(asset)  # no API key: a browser gets these before it has one
        assert response.status_code == 200, asset
        assert len(response.content) > 1000, asset


def test_the_api_itself_still_wants_the_key(host: Client):
    assert host.get("/api/workflows").status_code == 401
    assert host.get("/openapi.json").status_code == 200


def test_services_serve_their_docs_offline_too():
    token = {"dapr-api-token": "unit-test-app-token-0123456789"}
    html = Client(create_upload_app(), token).get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in html and "cdn." not in html
