"""The host's routes over stand-ins for the sidecar: what each answers, without Dapr."""

from __future__ import annotations

import asyncio
import datetime
import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from invoice_shared.policy import STALL_SECONDS
from workflow_app.config import Settings
from workflow_app.main import create_app
from workflow_app.starting import StartLocks

KEY = "host-routes-key-0123456789"
WHEN = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def _state(name: str, status: str, output: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        name=name,
        runtime_status=SimpleNamespace(name=status),
        serialized_output=output,
        serialized_custom_status=None,
        failure_details=None,
        created_at=WHEN,
        last_updated_at=WHEN,
    )


class FakeClient:
    """The calls of DaprWorkflowClient the routes make, over a dict of states."""

    def __init__(self) -> None:
        self.states = {
            "DONE": _state("page_batch_workflow", "COMPLETED", "[]"),
            "RUN": _state("invoice_workflow", "RUNNING"),
        }
        self.calls: list[tuple[str, str]] = []
        self.inputs: dict[str, Any] = {}

    async def get_workflow_state(self, instance_id: str, fetch_payloads: bool = True) -> Any:
        return self.states.get(instance_id)

    async def schedule_new_workflow(self, name: str, input: Any, instance_id: str) -> None:
        self.calls.append(("schedule", instance_id))
        self.inputs[instance_id] = input
        self.states[instance_id] = _state(name, "PENDING")

    async def pause_workflow(self, instance_id: str) -> None:
        self.calls.append(("pause", instance_id))

    async def purge_workflow(self, instance_id: str, recursive: bool) -> None:
        self.calls.append(("purge", instance_id))


class FakeEngine:
    async def history(self, instance_id: str) -> list[dict[str, Any]]:
        result = json.dumps([{"state_key": "extraction:DONE:1"}])
        return [
            {"event_id": 1, "timestamp": "", "kind": "taskCompleted", "details": {"result": result}}
        ]


@pytest.fixture
def host() -> SimpleNamespace:
    deleted: list[list[str]] = []
    return SimpleNamespace(
        readiness=SimpleNamespace(check=lambda: (False, "still connecting")),
        sidecar=SimpleNamespace(delete_state=deleted.append),
        deleted=deleted,
    )


@pytest.fixture
def client() -> FakeClient:
    return FakeClient()


def _calls(client: FakeClient, host: SimpleNamespace, *requests: tuple[str, str, Any]):
    app = create_app(Settings(), app_token=SecretStr(KEY + "-app"), api_key=SecretStr(KEY))
    # What the lifespan would make, without a sidecar to connect to.
    app.state.workflow_client = client
    app.state.engine = FakeEngine()
    app.state.host = host
    app.state.start_locks = StartLocks()

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://host", headers={"X-API-Key": KEY}
        ) as http:
            return [await http.request(m, path, json=body) for m, path, body in requests]

    return asyncio.run(run())


def test_an_invoice_starts_once_and_its_status_is_where_location_says(client, host):
    body = {"invoice_id": "INV-1", "pdf_path": "sample-invoice.pdf"}
    first, second, status = _calls(
        client,
        host,
        ("POST", "/api/workflows/invoice", body),
        ("POST", "/api/workflows/invoice", body),
        ("GET", "/api/workflows/INV-1", None),
    )
    assert first.status_code == 202
    assert first.headers["location"] == "/api/workflows/INV-1"
    assert second.status_code == 409
    assert second.json()["error"] == "already_exists"
    assert status.json()["status"] == "PENDING"
    assert client.calls == [("schedule", "INV-1")]
    # Every start the host makes carries the stall guard's bound (absent: guard off).
    assert client.inputs["INV-1"]["stall_seconds"] == STALL_SECONDS


def test_unknown_instances_are_404_and_wrong_states_409(client, host):
    missing, paused_done, paused = _calls(
        client,
        host,
        ("GET", "/api/workflows/NOPE", None),
        ("POST", "/api/workflows/DONE/pause", None),
        ("POST", "/api/workflows/RUN/pause", None),
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    assert paused_done.status_code == 409
    assert paused_done.json()["message"] == (
        "cannot pause 'DONE': it is COMPLETED, only a RUNNING instance can be paused"
    )
    assert paused.json() == {"instance_id": "RUN", "status": "SUSPENDED"}


def test_a_purge_deletes_the_page_extractions_its_history_names(client, host):
    (purged,) = _calls(client, host, ("DELETE", "/api/workflows/DONE", None))
    assert purged.status_code == 204
    assert client.calls == [("purge", "DONE")]
    assert host.deleted == [["extraction:DONE:1"]]


def test_readyz_says_why_the_host_is_not_ready(client, host):
    (ready,) = _calls(client, host, ("GET", "/readyz", None))
    assert ready.status_code == 503
    assert ready.json() == {"status": "not_ready", "reason": "still connecting"}


class _SlowSidecarClient(FakeClient):
    """A schedule that lands in the sidecar but answers only after the start budget, as
    after a sidecar restart; or one that never lands."""

    def __init__(self, lands: bool) -> None:
        super().__init__()
        self.lands = lands

    async def schedule_new_workflow(self, name: str, input: Any, instance_id: str) -> None:
        self.calls.append(("schedule", instance_id))
        if self.lands:
            self.states[instance_id] = _state(name, "PENDING")
        await asyncio.sleep(10)


@pytest.mark.parametrize(("lands", "answer"), [(True, 202), (False, 503)])
def test_a_start_that_lands_as_the_budget_runs_out_is_accepted_not_503(
    host, monkeypatch: pytest.MonkeyPatch, lands: bool, answer: int
):
    monkeypatch.setattr("workflow_app.starting.START_BUDGET_SECONDS", 0.2)
    slow = _SlowSidecarClient(lands)
    body = {"invoice_id": "INV-2", "pdf_path": "sample-invoice.pdf"}
    (started,) = _calls(slow, host, ("POST", "/api/workflows/invoice", body))
    assert started.status_code == answer, started.text
    assert slow.calls == [("schedule", "INV-2")]
