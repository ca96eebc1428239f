"""/readyz tells the truth about the sidecar's workflow actors, and a wedged sidecar is
asked to restart once, only after the bound."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from workflow_app.actor_health import WedgeClock, missing_actor_types, workflow_actor_types
from workflow_app.readiness import SidecarReadiness
from workflow_app.sidecar import Sidecar

WANTED = workflow_actor_types("workflow-app")
WORKFLOW = "dapr.internal.default.workflow-app.workflow"
ACTIVITY = "dapr.internal.default.workflow-app.activity"


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


def test_registered_types_are_listed_even_with_no_active_actor():
    both = _metadata(WORKFLOW, ACTIVITY, "dapr.internal.default.workflow-app.retentioner")
    assert missing_actor_types(both, WANTED) == []
    assert missing_actor_types(_metadata(WORKFLOW), WANTED) == [".workflow-app.activity"]
    assert missing_actor_types({"actorRuntime": {}}, WANTED) == list(WANTED)
    assert missing_actor_types({}, WANTED) == list(WANTED)


def test_the_sidecars_namespace_is_whatever_it_is_but_the_app_id_must_be_ours():
    """In Kubernetes NAMESPACE is set on the daprd container only: the host cannot know it."""
    prod = _metadata(
        "dapr.internal.prod.workflow-app.workflow", "dapr.internal.prod.workflow-app.activity"
    )
    assert missing_actor_types(prod, WANTED) == []
    other = _metadata(
        "dapr.internal.default.other-app.workflow", "dapr.internal.default.other-app.activity"
    )
    assert missing_actor_types(other, WANTED) == list(WANTED)


def test_the_clock_calls_a_sidecar_wedged_only_past_the_bound_and_resets_on_recovery():
    clock = WedgeClock(bound_seconds=20)
    assert clock.observe(True, now=100.0) == 0.0
    assert clock.observe(True, now=115.0) == 15.0
    assert not clock.wedged(now=120.0) and not clock.heal_now(now=120.0)
    assert clock.wedged(now=120.5)
    assert clock.observe(False, now=121.0) == 0.0
    assert not clock.wedged(now=200.0)
    assert clock.observe(True, now=200.0) == 0.0  # a new episode starts from zero


def test_after_a_heal_the_next_sidecar_gets_a_full_bound_and_heals_stop_after_three():
    clock = WedgeClock(bound_seconds=20, max_heals=3)
    clock.observe(True, now=0.0)
    assert clock.heal_now(now=21.0)
    assert not clock.heal_now(now=22.0)  # the clock started again at the heal
    clock.observe(True, now=30.0)  # the restart went unseen: no metadata error observed
    assert not clock.heal_now(now=40.0)
    assert clock.heal_now(now=41.5)
    assert clock.heal_now(now=63.0)
    assert clock.gave_up() and not clock.heal_now(now=200.0)
    clock.observe(False, now=201.0)  # the types came back: heals are possible again
    assert not clock.gave_up()


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
    readiness = SidecarReadiness(sidecar, WANTED, wedge_seconds=20, heal=heal)
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
    assert "has not registered the workflow actor types ending .workflow-app.activity" in reason
    now[0] += 5
    assert "for 5 s" in readiness.check()[1]
    assert fake.shutdowns == 0  # registering takes a moment: no heal yet


def test_a_sidecar_wedged_past_the_bound_is_asked_to_restart_once_a_bound(host):
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


def test_a_refused_shutdown_is_asked_again_a_bound_later_and_heals_stop_after_three(host):
    readiness, fake, now = host
    fake.metadata = _metadata()
    readiness.check()
    for _ in range(5):
        now[0] += 21
        readiness.check()
    assert fake.shutdowns == 3
    assert readiness.check()[1].endswith("restarting it did not help, see its log")


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
