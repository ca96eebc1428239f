"""Reads of workflow state and history ride out the moments the runtime cannot answer."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest
from grpc.aio import AioRpcError, Metadata

from invoice_shared.web import ServiceError
from workflow_app.local_ends import LocalEnds
from workflow_app.state_reads import RECHECK_SECONDS, read_history, wait_for_end


def _rpc_error(code: grpc.StatusCode, details: str) -> AioRpcError:
    return AioRpcError(code, Metadata(), Metadata(), details=details)


class FlakyEngine:
    """Fails `failures` times the way the runtime did, then answers."""

    def __init__(self, failures: int, code: grpc.StatusCode = grpc.StatusCode.UNKNOWN) -> None:
        self.failures, self.code, self.calls = failures, code, 0

    async def history(self, instance_id: str) -> list[dict[str, Any]]:
        self.calls += 1
        if self.calls <= self.failures:
            raise _rpc_error(self.code, "inbox key declared in metadata but missing")
        return [{"event_id": 0, "kind": "executionStarted"}]


def test_a_transient_history_failure_is_retried():
    engine = FlakyEngine(failures=2)
    assert asyncio.run(read_history(engine, "INV-1")) == [
        {"event_id": 0, "kind": "executionStarted"}
    ]  # type: ignore[arg-type]
    assert engine.calls == 3


def test_one_that_persists_is_a_503_that_says_retry():
    with pytest.raises(ServiceError) as raised:
        asyncio.run(read_history(FlakyEngine(failures=100), "INV-1"))  # type: ignore[arg-type]
    assert raised.value.status_code == 503 and "retry" in raised.value.message


def test_other_errors_are_not_retried():
    engine = FlakyEngine(failures=1, code=grpc.StatusCode.NOT_FOUND)
    with pytest.raises(AioRpcError):
        asyncio.run(read_history(engine, "INV-1"))  # type: ignore[arg-type]
    assert engine.calls == 1


class Status:
    def __init__(self, name: str) -> None:
        self.name = name


class State:
    def __init__(self, status: str, payloads: bool) -> None:
        self.runtime_status, self.payloads = Status(status), payloads


class StalledWatchClient:
    """A watch that answers only after `watch_delay` (the sidecar re-attaching a watch
    its deactivated actor closed), while status reads see the end after `ends_after`."""

    def __init__(self, watch_delay: float, ends_after: float) -> None:
        self.watch_delay, self.ends_after = watch_delay, ends_after
        self.started = asyncio.get_running_loop().time()

    def _ended(self) -> bool:
        return asyncio.get_running_loop().time() - self.started >= self.ends_after

    async def wait_for_workflow_completion(
        self, instance_id: str, fetch_payloads: bool, timeout_in_seconds: int
    ) -> State:
        await asyncio.sleep(min(self.watch_delay, timeout_in_seconds))
        if not self._ended():
            raise TimeoutError
        return State("COMPLETED", fetch_payloads)

    async def get_workflow_state(self, instance_id: str, fetch_payloads: bool) -> State:
        return State("COMPLETED" if self._ended() else "RUNNING", fetch_payloads)


async def _timed_wait(watch_delay: float, ends_after: float, seconds: int) -> tuple[Any, float]:
    client = StalledWatchClient(watch_delay, ends_after)
    started = asyncio.get_running_loop().time()
    state = await wait_for_end(client, "INV-1", seconds)  # type: ignore[arg-type]
    return state, asyncio.get_running_loop().time() - started


def test_a_stalled_watch_does_not_hold_the_answer_past_the_next_status_read():
    state, took = asyncio.run(_timed_wait(watch_delay=5.0, ends_after=0.3, seconds=10))
    assert state.runtime_status.name == "COMPLETED" and state.payloads  # read in full
    assert took < 0.3 + RECHECK_SECONDS + 0.2


def test_a_watch_that_answers_first_is_the_answer():
    state, took = asyncio.run(_timed_wait(watch_delay=0.05, ends_after=0.0, seconds=10))
    assert state.runtime_status.name == "COMPLETED" and took < RECHECK_SECONDS


def test_an_instance_still_running_at_the_deadline_gives_none():
    state, took = asyncio.run(_timed_wait(watch_delay=5.0, ends_after=60.0, seconds=1))
    assert state is None and took < 1.5


class ReadsSeeNoEnd(StalledWatchClient):
    async def get_workflow_state(self, instance_id: str, fetch_payloads: bool) -> State:
        return State("RUNNING", fetch_payloads)


def test_past_the_last_status_read_the_watch_still_answers():
    # The reads stop just short of the deadline; an end only the watch sees counts.
    async def waited() -> Any:
        client = ReadsSeeNoEnd(watch_delay=0.95, ends_after=0.0)
        return await wait_for_end(client, "INV-1", 1)  # type: ignore[arg-type]

    state = asyncio.run(waited())
    assert state is not None and state.runtime_status.name == "COMPLETED"


class UnreadableAfterTheEnd(StalledWatchClient):
    """Status reads see the end, then the full read keeps failing as a restart does."""

    async def get_workflow_state(self, instance_id: str, fetch_payloads: bool) -> State:
        if fetch_payloads:
            raise _rpc_error(grpc.StatusCode.UNAVAILABLE, "sidecar restarting")
        return await super().get_workflow_state(instance_id, fetch_payloads)


def test_an_end_whose_state_cannot_be_read_answers_with_what_was_read_before():
    async def waited() -> Any:
        client = UnreadableAfterTheEnd(watch_delay=30.0, ends_after=0.1)
        return await wait_for_end(client, "INV-1", 10)  # type: ignore[arg-type]

    assert asyncio.run(waited()) is None


async def _told_wait(told_at: float, recorded_at: float) -> tuple[Any, float]:
    """Wait on INV-1 with its watch closed; this host tells its end at `told_at`, the
    runtime's state shows it from `recorded_at`."""
    ends = LocalEnds()
    client = StalledWatchClient(watch_delay=5.0, ends_after=recorded_at)
    asyncio.get_running_loop().call_later(told_at, ends.ended, "INV-1")
    started = asyncio.get_running_loop().time()
    state = await wait_for_end(client, "INV-1", 10, ends)  # type: ignore[arg-type]
    return state, asyncio.get_running_loop().time() - started


def test_an_end_this_host_ran_is_answered_before_the_next_status_read():
    # The end at 0.4 s falls between status reads (0.35 and 0.6 s).
    state, took = asyncio.run(_told_wait(told_at=0.4, recorded_at=0.4))
    assert state.runtime_status.name == "COMPLETED" and state.payloads
    assert took < 0.5


def test_an_end_told_here_but_not_yet_recorded_waits_for_the_reads():
    # Recorded only at 1.2 s, past the confirming reads: the status reads (every
    # RECHECK_SECONDS) still find it.
    state, took = asyncio.run(_told_wait(told_at=0.05, recorded_at=1.2))
    assert state.runtime_status.name == "COMPLETED"
    assert 1.2 <= took < 1.2 + RECHECK_SECONDS + 0.2


class CountedReads(ReadsSeeNoEnd):
    def __init__(self, watch_delay: float, ends_after: float) -> None:
        super().__init__(watch_delay, ends_after)
        self.reads = 0

    async def get_workflow_state(self, instance_id: str, fetch_payloads: bool) -> State:
        self.reads += 1
        return await super().get_workflow_state(instance_id, fetch_payloads)


def test_an_end_of_another_instance_changes_nothing():
    # Only the status reads run (0.05, 0.15, 0.35, 0.6 and 0.85 s within the second):
    # a wrongly woken wait would add its confirming reads.
    async def waited() -> tuple[Any, int]:
        ends = LocalEnds()
        client = CountedReads(watch_delay=5.0, ends_after=60.0)
        asyncio.get_running_loop().call_later(0.02, ends.ended, "INV-2")
        state = await wait_for_end(client, "INV-1", 1, ends)  # type: ignore[arg-type]
        return state, client.reads

    state, reads = asyncio.run(waited())
    assert state is None and reads == 5
