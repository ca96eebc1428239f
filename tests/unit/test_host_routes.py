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


ITEM = {"description": "Widget", "quantity": 2.0, "unit_price": 1.5, "amount": 3.0}


def _invoice_output(instance_id: str, **extra: Any) -> str:
    approval = {"status": "auto_approved", "decided_at": WHEN.isoformat(), "reason": "small"}
    invoice = {"invoice_id": instance_id, "page_count": 1, "line_items": [], "warnings": []}
    return json.dumps({**invoice, "approval": approval, **extra})


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
    def __init__(self) -> None:
        self.reruns: list[tuple[str, int, str]] = []

    async def history(self, instance_id: str) -> list[dict[str, Any]]:
        result = json.dumps([{"state_key": "extraction:DONE:1"}])
        events = [
            {"event_id": 1, "timestamp": "", "kind": "taskScheduled", "details": {}},
            {"event_id": -1, "timestamp": "", "kind": "taskCompleted",
             "details": {"result": result}},
        ]  # fmt: skip
        if instance_id == "LONG":  # aggregated with its items kept beside it, then a timer
            aggregated = json.dumps({"line_items": [], "line_items_state_key": "line-items:LONG"})
            events += [
                {"event_id": 2, "timestamp": "", "kind": "taskScheduled", "details": {}},
                {"event_id": -1, "timestamp": "", "kind": "taskCompleted",
                 "details": {"result": aggregated}},
                {"event_id": 3, "timestamp": "", "kind": "timerCreated", "details": {}},
            ]  # fmt: skip
        return events

    async def rerun(self, source_id: str, event_id: int, new_id: str, new_input: Any) -> str:
        self.reruns.append((source_id, event_id, new_id))
        return new_id


@pytest.fixture
def host() -> SimpleNamespace:
    deleted: list[list[str]] = []
    stored: dict[str, Any] = {"line-items:LONG": [ITEM, ITEM]}

    def save_state(key: str, value: Any, ttl_seconds: int | None = None) -> None:
        stored[key] = value

    return SimpleNamespace(
        readiness=SimpleNamespace(check=lambda: (False, "still connecting")),
        sidecar=SimpleNamespace(
            delete_state=deleted.append,
            get_bulk_state=lambda keys: {k: stored[k] for k in keys if k in stored},
            save_state=save_state,
        ),
        deleted=deleted,
        stored=stored,
    )


@pytest.fixture
def client() -> FakeClient:
    return FakeClient()


def _calls(
    client: FakeClient,
    host: SimpleNamespace,
    *requests: tuple[str, str, Any],
    engine: FakeEngine | None = None,
):
    app = create_app(Settings(), app_token=SecretStr(KEY + "-app"), api_key=SecretStr(KEY))
    # What the lifespan would make, without a sidecar to connect to.
    app.state.workflow_client = client
    app.state.engine = engine or FakeEngine()
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


def test_a_purge_deletes_the_page_extractions_its_history_names_and_its_line_items(client, host):
    (purged,) = _calls(client, host, ("DELETE", "/api/workflows/DONE", None))
    assert purged.status_code == 204
    assert client.calls == [("purge", "DONE")]
    assert host.deleted == [["line-items:DONE", "extraction:DONE:1"]]


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


def test_line_items_kept_in_the_state_store_are_put_back_into_the_result(client, host):
    client.states["LONG"] = _state(
        "invoice_workflow",
        "COMPLETED",
        _invoice_output("LONG", line_items_state_key="line-items:LONG"),
    )
    client.states["LOST"] = _state(
        "invoice_workflow",
        "COMPLETED",
        _invoice_output("LOST", line_items_state_key="line-items:LOST"),
    )
    client.states["SHORT"] = _state("invoice_workflow", "COMPLETED", _invoice_output("SHORT"))
    long, lost, short = _calls(
        client,
        host,
        ("GET", "/api/workflows/LONG", None),
        ("GET", "/api/workflows/LOST", None),
        ("GET", "/api/workflows/SHORT", None),
    )
    assert long.status_code == 200
    assert long.json()["result"]["line_items"] == [ITEM, ITEM]
    assert lost.status_code == 500
    assert "line-items:LOST" in lost.json()["message"]
    assert short.status_code == 200 and short.json()["result"]["line_items"] == []


def test_a_rerun_from_past_the_aggregation_gets_its_own_copy_of_the_line_items(client, host):
    output = _invoice_output("LONG", line_items_state_key="line-items:LONG")
    client.states["LONG"] = _state("invoice_workflow", "COMPLETED", output)
    engine = FakeEngine()
    late, early = _calls(
        client,
        host,
        ("POST", "/api/workflows/LONG/rerun", {"new_instance_id": "LATE", "from_event_id": 3}),
        ("POST", "/api/workflows/LONG/rerun", {"new_instance_id": "EARLY", "from_event_id": 2}),
        engine=engine,
    )
    assert (late.status_code, early.status_code) == (202, 202)
    assert [new for _, _, new in engine.reruns] == ["LATE", "EARLY"]
    # From the timer, after the aggregation: the result is copied, so are its items.
    assert host.stored["line-items:LATE"] == [ITEM, ITEM]
    # From the aggregation itself: it runs again and writes its own; no copy races it.
    assert "line-items:EARLY" not in host.stored


def test_a_rerun_reads_its_sources_items_until_its_own_copy_exists(client, host):
    output = _invoice_output("COPY", line_items_state_key="line-items:LONG")
    client.states["COPY"] = _state("invoice_workflow", "COMPLETED", output)
    (before,) = _calls(client, host, ("GET", "/api/workflows/COPY", None))
    assert before.json()["result"]["line_items"] == [ITEM, ITEM]
    host.stored["line-items:COPY"] = [ITEM]
    (after,) = _calls(client, host, ("GET", "/api/workflows/COPY", None))
    assert after.json()["result"]["line_items"] == [ITEM]


def test_an_invoice_purged_while_its_items_are_read_is_404_not_500(client, host):
    output = _invoice_output("GONE", line_items_state_key="line-items:GONE")
    gone = _state("invoice_workflow", "COMPLETED", output)
    reads = iter([gone, None])  # the purge lands between the two reads

    async def get_workflow_state(instance_id: str, fetch_payloads: bool = True) -> Any:
        return next(reads)

    client.get_workflow_state = get_workflow_state  # type: ignore[method-assign]
    (answer,) = _calls(client, host, ("GET", "/api/workflows/GONE", None))
    assert answer.status_code == 404
