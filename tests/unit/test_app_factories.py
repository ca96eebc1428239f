"""Apps come from factories: importing an app module reads nothing, `main:app` is built
on first lookup, and a factory uses the settings and secrets it is given."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from invoice_shared.web import lazy_app
from upload_service.config import Settings as UploadSettings
from upload_service.main import create_app as create_upload_app
from workflow_app.config import Settings as HostSettings
from workflow_app.main import create_app as create_host_app

TOKEN = SecretStr("factory-test-token-0123456789")
KEY = "factory-test-key-0123456789"
MAINS = [
    "workflow_app.main",
    "upload_service.main",
    "split_service.main",
    "extract_service.main",
    "aggregate_service.main",
]


def _call(app: FastAPI, method: str, path: str, **kwargs: object) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(call())


def test_importing_an_app_module_reads_no_settings_or_secrets():
    env = {k: v for k, v in os.environ.items() if k not in ("APP_API_TOKEN", "INVOICE_API_KEY")}
    # Settings that would not validate: reading them at import would fail.
    env |= {"MAX_PDF_BYTES": "many", "MAX_PAGES": "many", "MAX_JSON_BYTES": "many"}
    imports = "; ".join(f"import {module}" for module in MAINS)
    done = subprocess.run([sys.executable, "-c", imports], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_lazy_app_builds_the_app_once_on_first_lookup():
    built: list[FastAPI] = []

    def factory() -> FastAPI:
        built.append(FastAPI())
        return built[-1]

    module_getattr = lazy_app("some.main", factory)
    assert built == []
    assert module_getattr("app") is module_getattr("app") is built[0]
    with pytest.raises(AttributeError, match="has no attribute 'other'"):
        module_getattr("other")


def test_a_service_uses_the_settings_and_token_its_factory_is_given(tmp_path: Path):
    app = create_upload_app(UploadSettings(max_pdf_bytes=8, artifact_dir=tmp_path), app_token=TOKEN)
    answer = _call(
        app,
        "POST",
        "/upload/file?invoice_id=INV-1",
        content=b"%PDF-1.7 more than eight bytes",
        headers={"content-type": "application/pdf", "dapr-api-token": TOKEN.get_secret_value()},
    )
    assert answer.status_code == 413
    assert answer.json()["message"].endswith("the limit is 8")


def test_the_host_uses_the_settings_and_secrets_its_factory_is_given(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.delenv("APP_API_TOKEN", raising=False)
    monkeypatch.delenv("INVOICE_API_KEY", raising=False)
    app = create_host_app(HostSettings(max_json_bytes=10), app_token=TOKEN, api_key=SecretStr(KEY))
    body = {"invoice_id": "INV-1", "pdf_path": "sample-invoice.pdf"}
    refused = _call(app, "POST", "/api/workflows/invoice", json=body)
    too_large = _call(app, "POST", "/api/workflows/invoice", json=body, headers={"X-API-Key": KEY})
    assert refused.status_code == 401
    assert too_large.status_code == 413
    assert too_large.json()["message"].endswith("the limit is 10")
