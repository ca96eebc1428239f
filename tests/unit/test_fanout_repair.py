"""The sweep that frees stuck parents, against fakes of the sidecar's APIs."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import grpc
from dapr.ext.workflow import WorkflowStatus

from workflow_app import fanout_repair
from workflow_app.fanout_repair import FanoutRepair


@dataclass
class _State:
    runtime_status: WorkflowStatus
    last_updated_at: datetime


class _Fakes:
    """Engine and sidecar in one (the states are what the sweep's census read)."""

    def __init__(self, states: dict[str, _State], histories: dict[str, list[dict]]) -> None:
        self.states = states
        self.histories = histories
        self.purged: list[str] = []
        self.shutdowns = 0

    async def list_instance_ids(self) -> list[str]:
        return [*self.states, *(c for h in self.histories.values() for c in _ids(h))]

    async def history(self, instance_id: str) -> list[dict]:
        return [e for e in self.histories[instance_id] if e["kind"] != "exists-only"]

    async def force_purge(self, instance_id: str) -> None:
        self.purged.append(instance_id)

    def request_shutdown(self) -> None:
        self.shutdowns += 1


def _ids(history: list[dict]) -> list[str]:
    return [e["details"]["instanceId"] for e in history]


def _child(instance_id: str, recorded: bool) -> dict:
    kind = "childWorkflowInstanceCreated" if recorded else "exists-only"
    return {"kind": kind, "details": {"instanceId": instance_id}}


def _ago(seconds: float) -> datetime:
    return datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=seconds)


def _sweeps(fakes: _Fakes, restart: bool = True, between=None) -> list[list[str]]:
    """Two sweeps of one repair, `between()` run between them; what each repaired."""
    repair = FanoutRepair(fakes, fakes, 90.0, restart_sidecar=restart)  # type: ignore[arg-type]
    repaired = []
    for n in range(2):
        if n and between is not None:
            between()
        ids = asyncio.run(fakes.list_instance_ids())
        repaired.append(asyncio.run(repair.sweep(ids, fakes.states)))  # type: ignore[arg-type]
    return repaired


def test_a_quiet_parent_with_children_it_never_recorded_is_freed_at_the_second_sighting():
    fakes = _Fakes(
        {"STUCK": _State(WorkflowStatus.RUNNING, _ago(300))},
        {"STUCK": [_child("STUCK:batch-0001", True), _child("STUCK:batch-0002", False)]},
    )
    assert _sweeps(fakes) == [[], ["STUCK"]]
    assert fakes.purged == ["STUCK:batch-0002"]
    assert fakes.shutdowns == 1


def test_a_parent_that_saves_its_step_between_sweeps_keeps_its_children():
    """The race seen in the host-restart test: a parent quiet for a while runs its step
    as the sweep reads; its children exist before the history recording them is saved."""
    fakes = _Fakes(
        {"WOKE": _State(WorkflowStatus.RUNNING, _ago(300))},
        {"WOKE": [_child("WOKE:batch-0001", False), _child("WOKE:batch-0002", False)]},
    )

    def saved() -> None:
        fakes.states["WOKE"] = _State(WorkflowStatus.RUNNING, _ago(0))
        fakes.histories["WOKE"] = [_child(f"WOKE:batch-000{n}", True) for n in (1, 2)]

    assert _sweeps(fakes, between=saved) == [[], []]
    assert fakes.purged == [] and fakes.shutdowns == 0


def test_busy_finished_or_consistent_parents_are_left_alone():
    fakes = _Fakes(
        {
            "RECENT": _State(WorkflowStatus.RUNNING, _ago(10)),
            "DONE": _State(WorkflowStatus.COMPLETED, _ago(300)),
            "WAITING": _State(WorkflowStatus.RUNNING, _ago(300)),
        },
        {
            "RECENT": [_child("RECENT:batch-0001", False)],
            "DONE": [_child("DONE:batch-0001", False)],
            "WAITING": [_child("WAITING:batch-0001", True)],
        },
    )
    assert _sweeps(fakes) == [[], []]
    assert fakes.purged == [] and fakes.shutdowns == 0


def test_with_healing_off_the_sidecar_is_not_asked_to_restart():
    fakes = _Fakes(
        {"STUCK": _State(WorkflowStatus.RUNNING, _ago(300))},
        {"STUCK": [_child("STUCK:batch-0001", False)]},
    )
    assert _sweeps(fakes, restart=False) == [[], ["STUCK"]]
    assert fakes.purged == ["STUCK:batch-0001"] and fakes.shutdowns == 0


def test_a_parent_still_creating_children_between_sweeps_is_not_stuck():
    """A long fan-out on a busy host: new children appear between the sweeps."""
    fakes = _Fakes(
        {"BUSY": _State(WorkflowStatus.RUNNING, _ago(300))},
        {"BUSY": [_child("BUSY:batch-0001", False)]},
    )

    def more() -> None:
        fakes.histories["BUSY"].append(_child("BUSY:batch-0002", False))

    assert _sweeps(fakes, between=more) == [[], []]
    assert fakes.purged == []


def test_one_parent_that_cannot_be_read_does_not_stop_the_repair_of_the_others():
    fakes = _Fakes(
        {
            "BROKEN": _State(WorkflowStatus.RUNNING, _ago(300)),
            "STUCK": _State(WorkflowStatus.RUNNING, _ago(300)),
        },
        {
            "BROKEN": [_child("BROKEN:batch-0001", False)],
            "STUCK": [_child("STUCK:batch-0001", False)],
        },
    )
    history = fakes.history

    async def failing(instance_id: str) -> list[dict]:
        if instance_id == "BROKEN":
            raise RuntimeError("inbox key declared in metadata but missing")
        return await history(instance_id)

    fakes.history = failing  # type: ignore[method-assign]
    assert _sweeps(fakes) == [[], ["STUCK"]]
    assert fakes.purged == ["STUCK:batch-0001"] and fakes.shutdowns == 1


def _read_error(details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(
        grpc.StatusCode.UNKNOWN, grpc.aio.Metadata(), grpc.aio.Metadata(), details=details
    )


_LOST = (
    "workflow 'STUCK:batch-0002': history key 'history-000000' declared in metadata "
    "(historyLength=7) but missing from state store"
)


def _repaired_then(fakes: _Fakes, child_read_fails: list[str | None]) -> FanoutRepair:
    """A repair that purged STUCK's child batch-0002, then one more sweep in which the
    child exists again and each read of it fails with the next of `child_read_fails`
    (None: it reads well)."""
    repair = FanoutRepair(fakes, fakes, 90.0, restart_sidecar=True)  # type: ignore[arg-type]
    for _ in range(2):
        ids = asyncio.run(fakes.list_instance_ids())
        asyncio.run(repair.sweep(ids, fakes.states))  # type: ignore[arg-type]
    assert fakes.purged == ["STUCK:batch-0002"] and fakes.shutdowns == 1
    history = fakes.history
    failures = iter(child_read_fails)

    async def reads(instance_id: str) -> list[dict]:
        if instance_id == "STUCK:batch-0002":
            details = next(failures, None)
            if details is not None:
                raise _read_error(details)
        return await history(instance_id)

    fakes.history = reads  # type: ignore[method-assign]
    # The parent ran its step on the fresh sidecar and saved it: it is not stuck.
    fakes.states["STUCK"] = _State(WorkflowStatus.RUNNING, _ago(0))
    ids = asyncio.run(fakes.list_instance_ids())
    asyncio.run(repair.sweep(ids, fakes.states))  # type: ignore[arg-type]
    return repair


def _stuck_with_a_stray_child() -> _Fakes:
    return _Fakes(
        {"STUCK": _State(WorkflowStatus.RUNNING, _ago(300))},
        {"STUCK": [_child("STUCK:batch-0001", True), _child("STUCK:batch-0002", False)]},
    )


def test_a_purged_child_saved_over_its_purge_is_purged_again_without_a_restart(monkeypatch):
    monkeypatch.setattr(fanout_repair, "RECHECK_SECONDS", 0.0)
    fakes = _stuck_with_a_stray_child()
    _repaired_then(fakes, [_LOST, _LOST])
    assert fakes.purged == ["STUCK:batch-0002", "STUCK:batch-0002"]
    assert fakes.shutdowns == 1


def test_a_purged_child_created_anew_is_left_alone(monkeypatch):
    monkeypatch.setattr(fanout_repair, "RECHECK_SECONDS", 0.0)
    fakes = _stuck_with_a_stray_child()
    _repaired_then(fakes, [])
    assert fakes.purged == ["STUCK:batch-0002"]


def test_a_purged_child_that_reads_well_the_second_time_is_left_alone(monkeypatch):
    """Created anew between the two reads, or a read that caught a save halfway."""
    monkeypatch.setattr(fanout_repair, "RECHECK_SECONDS", 0.0)
    fakes = _stuck_with_a_stray_child()
    _repaired_then(fakes, [_LOST, None])
    assert fakes.purged == ["STUCK:batch-0002"]


def test_a_missing_inbox_key_is_no_lost_history(monkeypatch):
    """A running instance's inbox shrinks between two reads; its history never does."""
    monkeypatch.setattr(fanout_repair, "RECHECK_SECONDS", 0.0)
    fakes = _stuck_with_a_stray_child()
    inbox = "inbox key 'inbox-000000' declared in metadata (inboxLength=1) but missing"
    _repaired_then(fakes, [inbox, inbox])
    assert fakes.purged == ["STUCK:batch-0002"]
