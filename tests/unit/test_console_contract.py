"""The console answers as its published OpenAPI document says: Schemathesis runs every
phase and every check against it in process, with a fixed seed (contract_harness).

It is signed in through its own /signin form and sends that session's cookie with every
request but those that check what it does without. Behind it is the host's app as its
factory builds it, over the fakes that answer as Dapr does (dapr_fakes), so the console
meets the host's real refusals; Jaeger and Prometheus are the fakes of the console's page
tests. No operation is left out.
"""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from console_app.config import Settings
from console_app.main import create_app
from console_app.routes import COOKIE
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
from .test_console import Browser
from .test_console_observability_pages import FakeJaeger, fake_prometheus

API_KEY = "console-contract-api-key-0123456789"
APP_TOKEN = "console-contract-app-token-0123456789"
# The console's path examples: one finished invoice, one waiting for a decision.
FINISHED, WAITING = "INV-2025-001", "INV-2025-010"


@pytest.fixture
def runtime() -> FakeWorkflowRuntime:
    runtime = FakeWorkflowRuntime()
    seed_finished_invoice(runtime, FINISHED)
    seed_invoice_awaiting_approval(runtime, WAITING)
    return runtime


@pytest.fixture
def host(runtime: FakeWorkflowRuntime, monkeypatch: pytest.MonkeyPatch) -> ASGIApp:
    monkeypatch.delenv("DAPR_HTTP_PORT", raising=False)  # /api/system: no sidecar to read
    app = create_host_app(
        HostSettings(), app_token=SecretStr(APP_TOKEN), api_key=SecretStr(API_KEY)
    )
    app = with_fake_runtime(app, runtime, FakeSidecarApi())

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        # The lifespan puts the fakes in place (the same ones every time), as a server's would.
        async with app.router.lifespan_context(app):
            await app(scope, receive, send)

    return serve


def _console(host: ASGIApp) -> FastAPI:
    settings = Settings(
        host_api_url="http://host",
        jaeger_url="http://jaeger:16686",
        prometheus_url="http://prometheus:9090",
    )
    console = create_app(settings)
    console.state.host_transport = httpx.ASGITransport(app=host)
    console.state.jaeger_transport = httpx.MockTransport(FakeJaeger(traced=(FINISHED,)))
    console.state.prometheus_transport = httpx.MockTransport(fake_prometheus([]))
    return console


def _sign_in(console: FastAPI) -> tuple[str, str]:
    """The session cookie the sign-in form sets, and the CSRF token of its pages."""

    async def run() -> tuple[str, str]:
        transport = httpx.ASGITransport(app=console)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as http:
            signed_in = await http.post("/signin", data={"api_key": API_KEY})
            assert signed_in.status_code == 303, signed_in.text
            form = (await http.get("/start")).text
        match = re.search(r'name="csrf" value="([^"]+)"', form)
        assert match, "no CSRF token on the page"
        return http.cookies[COOKIE], match.group(1)

    return asyncio.run(run())


def _with_csrf_examples(console: FastAPI, csrf: str) -> None:
    """The session's token as the example `csrf` of every form but sign-out's: the
    examples phase then takes the forms' happy paths too, and the session stays open.
    (Generated tokens are wrong: those requests meet the documented 403.)"""
    spec = console.openapi()  # built once and kept: /openapi.json serves this dict
    for path, item in spec["paths"].items():
        if path == "/signout":
            continue
        for operation in item.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = spec["components"]["schemas"][content["schema"]["$ref"].rsplit("/", 1)[1]]
                if "csrf" in body["properties"]:
                    body["properties"]["csrf"]["examples"] = [csrf]


def _operations(app: FastAPI) -> int:
    """Its routes' methods, as the app serves them (not as its document says)."""
    routes = [r for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)]
    return sum(len(r.methods or ()) for r in routes if r.original_route.include_in_schema)


@pytest.mark.timeout(120)
def test_the_console_answers_as_its_openapi_document_says(
    host: ASGIApp, runtime: FakeWorkflowRuntime
):
    console = _console(host)
    session_id, csrf = _sign_in(console)
    _with_csrf_examples(console, csrf)
    run = check_contract(console, headers={}, cookies={COOKIE: session_id})
    print(f"invoice-console: {run.summary()}")
    assert run.operations == _operations(console) > 0
    assert run.cases > run.operations
    assert not run.problems, f"{len(run.problems)} problem(s):\n\n" + "\n\n".join(run.problems)
    phases = {"examples", "coverage", "fuzzing", "stateful"}
    assert run.phases | dict.fromkeys(phases, "success") == run.phases, run.phases
    # The forms' examples, with the session's token, went through to the host: a
    # decision on the waiting invoice, and an upload of the example PDF.
    assert any(event[:2] == (WAITING, "approval") for event in runtime.events), runtime.events
    assert "INV-2025-020" in runtime.instances


def test_bad_input_gets_a_page_saying_what_was_wrong_not_json():
    browser = Browser()
    browser.sign_in()
    page = browser.request("GET", "/?page=two")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "page: Input should be a valid integer" in page.text and '"detail"' not in page.text
    unknown = browser.request("POST", "/invoices/INV-1/actions/delete", data={"csrf": "x"})
    assert unknown.status_code == 422 and "action: Input should be" in unknown.text
    # A method the page does not take: 405 naming every method it does take.
    wrong = browser.request("PUT", "/signin")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, POST"
