"""/readyz tells the truth about the sidecar's workflow actors, and a wedged sidecar is
asked to restart once, only after the bound."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from workflow_app.actor_health import WedgeClock, missing_actor_types, workflow_actor_types
from workflow_app.readiness import SidecarReadiness
from workflow_app.sidecar import Sidecar

WORKFLOW, ACTIVITY = workflow_actor_types("workflow-app", "default")


def _metadata(*types: str, placement: str = "placement: connected") -> dict[str, Any]:
    """The shape of daprd 1.18's /v1.0/metadata, as far as readiness reads it."""
    return {
        "id": "workflow-app",
        "actorRuntime": {
            "runtimeStatus": "RUNNING",
            "activeActors": [{"type": t, "count": 0} for t in types],
            "hostReady": True,
            "placement": placement,
        },
        "workflows": {"connectedWorkers": 1},
    }


def test_actor_type_names_follow_the_runtime_scheme():
    assert WORKFLOW == "dapr.internal.default.workflow-app.workflow"
    assert ACTIVITY == "dapr.internal.default.workflow-app.activity"
    assert workflow_actor_types("workflow-app", "prod")[0].startswith("dapr.internal.prod.")


def test_registered_types_are_listed_even_with_no_active_actor():
    both = _metadata(WORKFLOW, ACTIVITY, "dapr.internal.default.workflow-app.retentioner")
    assert missing_actor_types(both, (WORKFLOW, ACTIVITY)) == []
    assert missing_actor_types(_metadata(WORKFLOW), (WORKFLOW, ACTIVITY)) == [ACTIVITY]
    assert missing_actor_types({"actorRuntime": {}}, (WORKFLOW,)) == [WORKFLOW]
    assert missing_actor_types({}, (WORKFLOW,)) == [WORKFLOW]


def test_the_clock_calls_a_sidecar_wedged_only_past_the_bound_and_resets_on_recovery():
    clock = WedgeClock(bound_seconds=20)
    assert clock.observe(True, now=100.0) == 0.0
    assert clock.observe(True, now=115.0) == 15.0
    assert not clock.wedged(now=120.0)
    assert clock.wedged(now=120.5)
    assert clock.announce(now=120.5) and not clock.announce(now=121.0)  # once an episode
    assert clock.observe(False, now=121.0) == 0.0
    assert not clock.wedged(now=200.0)
    assert clock.observe(True, now=200.0) == 0.0  # a new episode starts from zero
    assert not clock.announce(now=200.0)
    assert clock.announce(now=221.0)


class _FakeSidecar:
    """Serves /v1.0/metadata from `self.metadata`; counts shutdown requests."""

    def __init__(self) -> None:
        self.metadata: dict[str, Any] = _metadata(WORKFLOW, ACTIVITY)
        self.unreachable = False
        self.shutdowns = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/v1.0/metadata":
            return httpx.Response(200, json=self.metadata)
        if request.url.path == "/v1.0/shutdown":
            self.shutdowns += 1
            return httpx.Response(204)
        return httpx.Response(404)


def _readiness(monkeypatch: pytest.MonkeyPatch, heal: bool = True):
    fake, now = _FakeSidecar(), [1000.0]
    sidecar = Sidecar("127.0.0.1", 3500, 5.0, transport=httpx.MockTransport(fake.handle))
    readiness = SidecarReadiness(sidecar, (WORKFLOW, ACTIVITY), wedge_seconds=20, heal=heal)
    readiness.connected.set()  # the worker's stream is open
    monkeypatch.setattr("workflow_app.readiness.time.monotonic", lambda: now[0])
    return readiness, fake, now


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch):
    return _readiness(monkeypatch)


def test_not_ready_before_the_worker_connects(monkeypatch: pytest.MonkeyPatch):
    readiness, _, _ = _readiness(monkeypatch)
    readiness.connected.clear()
    assert readiness.check() == (False, "workflow runtime is still connecting to the sidecar")


def test_ready_when_the_sidecar_hosts_the_workflow_actor_types(host):
    readiness, _, _ = host
    assert readiness.check() == (True, "ready")


def test_not_ready_with_the_reason_while_the_types_are_not_registered(host):
    readiness, fake, now = host
    fake.metadata = _metadata(WORKFLOW)
    ready, reason = readiness.check()
    assert not ready
    assert f"has not registered the workflow actor types {ACTIVITY}" in reason
    now[0] += 5
    assert "for 5 s" in readiness.check()[1]
    assert fake.shutdowns == 0  # registering takes a moment: no heal yet


def test_a_sidecar_wedged_past_the_bound_is_asked_to_restart_once(host):
    readiness, fake, now = host
    fake.metadata = _metadata()
    readiness.check()
    now[0] += 20.5
    ready, reason = readiness.check()
    assert not ready and reason.endswith("it was asked to restart")
    now[0] += 1
    readiness.check()
    assert fake.shutdowns == 1
    # The sidecar goes away and a new one comes up: it gets a full bound of its own.
    fake.unreachable = True
    assert "metadata unavailable" in readiness.check()[1]
    fake.unreachable = False
    now[0] += 1
    readiness.check()
    now[0] += 19
    readiness.check()
    assert fake.shutdowns == 1
    fake.metadata = _metadata(WORKFLOW, ACTIVITY)
    assert readiness.check() == (True, "ready")


def test_with_healing_off_a_wedged_sidecar_is_reported_not_shut_down(monkeypatch):
    readiness, fake, now = _readiness(monkeypatch, heal=False)
    fake.metadata = _metadata()
    readiness.check()
    now[0] += 21
    ready, reason = readiness.check()
    assert not ready and reason.endswith("restart the sidecar")
    assert fake.shutdowns == 0


def test_placement_not_connected_is_reported_before_actor_types(host):
    readiness, fake, _ = host
    fake.metadata = _metadata(placement="placement: disconnected")
    assert readiness.check() == (False, "placement: placement: disconnected")
