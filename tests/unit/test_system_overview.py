"""The host's system view from its sidecar's metadata (pure part)."""

from __future__ import annotations

from workflow_app.system_overview import summarize_host

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
}


def test_the_host_row_and_the_infrastructure_come_from_the_metadata():
    row, infrastructure = summarize_host("workflow-app", METADATA)
    assert row.healthy and row.runtime_version == "1.18.2"
    assert row.actor_types == ["dapr.internal.default.workflow-app.workflow"]
    assert "statestore (state.redis)" in row.components
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
    assert row.actor_types == []
