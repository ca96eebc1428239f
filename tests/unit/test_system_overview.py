"""The system view from the sidecars' metadata and the services' /status (pure part)."""

from __future__ import annotations

from invoice_shared.policy import EXTRACT_CONCURRENCY_LIMIT as LIMIT
from invoice_shared.sidecar_status import summarize
from workflow_app.system_overview import extraction_of, service_row, summarize_host

METADATA = {
    "id": "workflow-app",
    "runtimeVersion": "1.18.2",
    "components": [
        {"name": "statestore", "type": "state.redis", "version": "v1"},
        {"name": "resiliency", "type": "resiliency", "version": "v1"},
    ],
    "actorRuntime": {
        "runtimeStatus": "RUNNING",
        "hostReady": True,
        "placement": "placement: connected",
        "activeActors": [{"type": "dapr.internal.default.workflow-app.workflow", "count": 2}],
    },
    "scheduler": {"connected_addresses": ["127.0.0.1:30006"]},
    "appConnectionProperties": {"port": 8080, "protocol": "http"},
    "workflows": {"connectedWorkers": 1},
}


def test_the_host_row_and_the_infrastructure_come_from_the_metadata():
    row, infrastructure = summarize_host("workflow-app", METADATA, 3500)
    assert row.healthy and row.sidecar is not None
    assert row.sidecar.runtime_version == "1.18.2" and row.sidecar.dapr_http_port == 3500
    assert row.sidecar.actor_types == ["dapr.internal.default.workflow-app.workflow"]
    assert "statestore (state.redis/v1)" in row.sidecar.components
    assert (row.sidecar.app_port, row.sidecar.app_protocol) == (8080, "http")
    assert row.sidecar.workflow_workers == 1
    assert infrastructure == {
        "placement": "placement: connected",
        "scheduler": "connected to 127.0.0.1:30006",
        "state store": "statestore (state.redis)",
        "actor runtime": "RUNNING",
    }


def test_a_sidecar_without_scheduler_or_actors_says_so():
    row, infrastructure = summarize_host("workflow-app", {"id": "workflow-app"})
    assert infrastructure["scheduler"] == "not connected"
    assert infrastructure["placement"] == "unknown"
    assert row.sidecar is not None and row.sidecar.actor_types == []


def test_a_service_row_shows_its_own_sidecar_or_why_it_is_unhealthy():
    answered = {
        "app_id": "extract-service",
        "sidecar": summarize({"id": "extract-service", "runtimeVersion": "1.18.2"}, 3513),
        "gauges": {"extractions_in_flight": 3, "extraction_workers": 4},
    }
    row = service_row("extract-service", answered, None)
    assert row.healthy and row.sidecar is not None and row.sidecar.dapr_http_port == 3513
    unreachable = service_row("split-service", None, "500: no such app")
    assert not unreachable.healthy and unreachable.detail == "500: no such app"
    extraction = extraction_of([row, unreachable])
    assert (extraction.cap, extraction.in_flight, extraction.workers) == (LIMIT, 3, 4)
    assert extraction_of([unreachable]).in_flight is None


def test_a_service_whose_sidecar_cannot_be_read_says_why():
    row = service_row(
        "upload-service",
        {"app_id": "upload-service", "sidecar_error": "ConnectError: refused"},
        None,
    )
    assert row.healthy and row.sidecar is None and row.detail == "ConnectError: refused"
