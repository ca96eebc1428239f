"""components/resiliency.yaml in effect: retries absorb a service that restarts, and a
circuit breaker fails calls fast while a service stays down."""

from __future__ import annotations

import time

import httpx
import pytest

from invoice_gen import generate_invoice
from invoice_shared.dapr_names import AGGREGATE_APP_ID, UPLOAD_APP_ID

from .helpers import unique_id
from .stack import RunningStack


def _metric(stack: RunningStack, metric: str, **labels: str) -> float:
    text = httpx.get(stack.host_metrics, timeout=5).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith(metric + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture
def owned(stack: RunningStack) -> RunningStack:
    stack.owned("kills and restarts services")
    return stack


def test_the_hosts_sidecar_loads_the_resiliency_policies(stack: RunningStack):
    assert _metric(stack, "dapr_resiliency_loaded", name="invoice-resiliency") == 1


@pytest.mark.disruptive
def test_a_service_that_stays_down_trips_the_breaker_and_recovers(owned: RunningStack):
    processes = owned.owned("kills a service")
    url = "/v1.0/invoke/aggregate-service/method/healthz"
    with owned.sidecar_client(timeout=30) as sidecar:
        processes.kill(AGGREGATE_APP_ID)
        try:
            messages = []
            for _ in range(4):
                messages.append(sidecar.get(url).json().get("message", ""))
                if "circuit breaker is open" in messages[-1]:
                    break
            assert "circuit breaker is open" in messages[-1], messages
            started = time.monotonic()
            assert "circuit breaker is open" in sidecar.get(url).text
            assert time.monotonic() - started < 0.5  # open: fails fast, no retries
        finally:
            processes.restart(AGGREGATE_APP_ID)
        deadline = time.monotonic() + 20
        while sidecar.get(url).status_code != 200:  # half-open probe, then closed
            assert time.monotonic() < deadline, "the breaker never closed again"
            time.sleep(0.5)


@pytest.mark.disruptive
def test_a_service_restarting_for_a_few_seconds_costs_no_invoice(owned: RunningStack):
    processes = owned.owned("restarts a service")
    invoice_id = unique_id("BLIP")
    pdf = generate_invoice(seed=3, pages=1, invoice_id=invoice_id).pdf
    (owned.inputs / f"{invoice_id}.pdf").write_bytes(pdf)
    retries_before = _metric(owned, "dapr_resiliency_count", policy="retry")
    processes.kill(UPLOAD_APP_ID)
    with owned.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    time.sleep(3)
    processes.restart(UPLOAD_APP_ID)
    view = owned.wait_for_end(invoice_id)
    assert view["status"] == "COMPLETED", view["error"]
    assert _metric(owned, "dapr_resiliency_count", policy="retry") > retries_before
