"""Reads of workflow state and history ride out the moments the runtime cannot answer."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest
from grpc.aio import AioRpcError, Metadata

from invoice_shared.web import ServiceError
from workflow_app.state_reads import read_history


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
