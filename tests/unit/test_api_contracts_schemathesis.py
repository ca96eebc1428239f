"""Each app answers as its published OpenAPI document says: Schemathesis runs every
phase and every check against it in process, with a fixed seed (contract_harness).

The apps run as their factories build them, with stand-ins only where they would
reach outside the process: the host's sidecar and workflow runtime (dapr_fakes, which
answer as Dapr does), the upload service's resolver and the origins it downloads from.
No operation is left out.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from aggregate_service.main import create_app as create_aggregate_app
from extract_service.config import Settings as ExtractSettings
from extract_service.main import create_app as create_extract_app
from split_service.config import Settings as SplitSettings
from split_service.main import create_app as create_split_app
from upload_service import sources as upload_sources
from upload_service import upload as upload_module
from upload_service.config import Settings as UploadSettings
from upload_service.main import create_app as create_upload_app
from workflow_app.config import Settings as HostSettings
from workflow_app.main import create_app as create_host_app

from .contract_harness import check_contract
from .dapr_fakes import (
    FakeSidecarApi,
    FakeWorkflowRuntime,
    seed_finished_invoice,
    seed_invoice_awaiting_approval,
    with_fake_runtime,
)

TOKEN = "contract-test-token-0123456789"
API_KEY = "contract-test-api-key-0123456789"
SIDECAR = {"dapr-api-token": TOKEN}
App = tuple[FastAPI, dict[str, str]]


def _host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    runtime = FakeWorkflowRuntime()
    # The ids of the schema's examples: the examples phase then meets instances that
    # exist, one finished (history, pages, result) and one waiting for a decision.
    seed_finished_invoice(runtime, "INV-2025-001")
    seed_invoice_awaiting_approval(runtime, "INV-2025-010")
    app = create_host_app(HostSettings(), app_token=SecretStr(TOKEN), api_key=SecretStr(API_KEY))
    return with_fake_runtime(app, runtime, FakeSidecarApi()), {"X-API-Key": API_KEY}


def _upload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    # No network: names resolve nowhere (404), addresses to themselves, and every public
    # address serves a PDF; private ones are refused before any download (403).
    resolver = SimpleNamespace(getaddrinfo=_resolve_addresses_only, IPPROTO_TCP=socket.IPPROTO_TCP)
    monkeypatch.setattr(upload_sources, "socket", resolver)
    monkeypatch.setattr(upload_module, "download", lambda url, *_: b"%PDF-1.7\n%%EOF\n")
    settings = UploadSettings(artifact_dir=tmp_path / "artifacts", source_base_dir=tmp_path)
    return create_upload_app(settings, app_token=SecretStr(TOKEN)), SIDECAR


def _resolve_addresses_only(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (str(address), port))]


def _split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    app = create_split_app(SplitSettings(artifact_dir=tmp_path), app_token=SecretStr(TOKEN))
    return app, SIDECAR


def _extract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    app = create_extract_app(ExtractSettings(artifact_dir=tmp_path), app_token=SecretStr(TOKEN))
    return app, SIDECAR


def _aggregate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    return create_aggregate_app(app_token=SecretStr(TOKEN)), SIDECAR


APPS: dict[str, Callable[[Path, pytest.MonkeyPatch], App]] = {
    "workflow-app": _host,
    "upload-service": _upload,
    "split-service": _split,
    "extract-service": _extract,
    "aggregate-service": _aggregate,
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", list(APPS))
def test_the_app_answers_as_its_openapi_document_says(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("DAPR_HTTP_PORT", raising=False)  # /status: no sidecar to read
    app, headers = APPS[name](tmp_path, monkeypatch)
    run = check_contract(app, headers=headers)
    print(f"{name}: {run.summary()}")
    assert run.operations and run.cases > run.operations
    assert not run.problems, f"{len(run.problems)} problem(s):\n\n" + "\n\n".join(run.problems)
    # The stateful phase follows links Schemathesis infers between operations (a start's
    # Location, an instance id); only the host has operations that lead to others.
    stateful = "success" if name == "workflow-app" else "skip"
    expected = {"examples": "success", "coverage": "success", "fuzzing": "success"}
    assert run.phases | expected | {"stateful": stateful} == run.phases, run.phases
