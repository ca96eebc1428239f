"""One invoice, one trace: the start call's `traceparent` is continued by the workflow,
each activity, both sidecars of every service call, and the services' handlers, and
Jaeger (started with the stack) holds it all."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from typing import Any

import httpx

from invoice_gen import generate_invoice
from invoice_shared.dapr_names import EXTRACT_ACTIVITY, SERVICE_APP_IDS, WORKFLOW_APP_ID

from .helpers import unique_id
from .stack import RunningStack

PAGES = 4  # more than two: the pages go through child workflows
APP_IDS = (WORKFLOW_APP_ID, *SERVICE_APP_IDS)
# The runtime publishes the workflow's own span when the workflow ends.
WORKFLOW_SPAN = "orchestration||invoice_workflow"


def test_an_invoice_started_with_a_traceparent_is_one_trace_through_every_app(
    stack: RunningStack,
):
    assert stack.jaeger_url, "the stack runs without Jaeger"
    trace_id = secrets.token_hex(16)
    invoice_id = unique_id("TRACED")
    generated = generate_invoice(seed=77, pages=PAGES, invoice_id=invoice_id)
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(generated.pdf)
    body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
    with stack.client() as client:
        answer = client.post(
            "/api/workflows/invoice",
            json=body,
            headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
        )
    assert answer.status_code == 202, answer.text
    assert stack.wait_for_end(invoice_id)["status"] == "COMPLETED"

    spans = _trace_once_complete(stack.jaeger_url, trace_id)
    services = Counter(span["service"] for span in spans)
    # Every app, and every sidecar (Dapr names its spans' service by the app id too,
    # so a sidecar shows as spans of its app id that the app itself did not make).
    for app_id in APP_IDS:
        assert services[app_id] > 0, (app_id, services)
        assert any(s["service"] == app_id and s["dapr"] for s in spans), (app_id, services)
        assert any(s["service"] == app_id and not s["dapr"] for s in spans), (app_id, services)
    extracts = [s for s in spans if s["name"] == f"activity: {EXTRACT_ACTIVITY}"]
    assert len(extracts) >= PAGES, [s["name"] for s in spans]
    assert any(s["name"].startswith(WORKFLOW_SPAN) for s in spans), [s["name"] for s in spans]
    print(f"\n{len(spans)} spans in the trace of a {PAGES}-page invoice: {dict(services)}")
    _console_shows_the_trace(stack, invoice_id, trace_id)


def _console_shows_the_trace(stack: RunningStack, invoice_id: str, trace_id: str) -> None:
    """The console finds the same trace by the invoice's id and draws its waterfall."""
    with httpx.Client(base_url=stack.console_url, timeout=30) as browser:
        assert browser.post("/signin", data={"api_key": stack.tokens.api_key}).status_code == 303
        summary = browser.get(f"/invoices/{invoice_id}").text
        assert trace_id in summary
        waterfall = browser.get(f"/invoices/{invoice_id}/trace").text
    assert trace_id in waterfall
    assert f"activity: {EXTRACT_ACTIVITY}" in waterfall
    assert WORKFLOW_SPAN in waterfall


def _trace_once_complete(jaeger_url: str, trace_id: str, timeout: float = 90) -> list[dict]:
    """The trace's spans as {service, name, dapr}, once it holds everything the test
    asserts. Each process exports its spans in its own batches, seconds apart, so one span
    from every app does not mean the rest (every page's extract activity, the
    orchestration span the runtime publishes when the workflow ends) are in yet."""
    deadline = time.monotonic() + timeout
    while True:
        spans = _spans(jaeger_url, trace_id)
        if _holds_everything(spans) or time.monotonic() > deadline:
            return spans
        time.sleep(1)


def _holds_everything(spans: list[dict]) -> bool:
    found = {s["service"] for s in spans if s["dapr"]} & {
        s["service"] for s in spans if not s["dapr"]
    }
    names = Counter(s["name"] for s in spans)
    return (
        found >= set(APP_IDS)
        and names[f"activity: {EXTRACT_ACTIVITY}"] >= PAGES
        and any(name.startswith(WORKFLOW_SPAN) for name in names)
    )


def _spans(jaeger_url: str, trace_id: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{jaeger_url}/api/traces/{trace_id}", timeout=10)
    if answer.status_code == 404:
        return []
    answer.raise_for_status()
    spans = []
    for trace in answer.json().get("data") or []:
        processes = trace["processes"]
        for span in trace["spans"]:
            process = processes[span["processID"]]
            library = {t["key"]: t["value"] for t in span.get("tags", [])}.get(
                "otel.scope.name", ""
            )
            spans.append(
                {
                    "service": process["serviceName"],
                    "name": span["operationName"],
                    # Our apps' spans come from the Python instrumentations.
                    "dapr": not str(library).startswith(("opentelemetry", "dapr.ext")),
                }
            )
    return spans
