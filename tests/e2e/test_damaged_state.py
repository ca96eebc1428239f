"""A workflow whose stored state lost a history key, as a sidecar's save over a forced
purge leaves one (see workflow_app.fanout_repair): the runtime no longer loads it, and a
forced purge still removes every key of it (runtime/patches/dapr-force-purge-damaged.patch).
Without that, the fan-out repair could not clear such a child and its parent waited for
good."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from invoice_shared.dapr_names import WORKFLOW_APP_ID
from workflow_app.engine_api import WorkflowEngine
from workflow_app.fanout_deadlock import lost_its_history

from .helpers import start_generated
from .redis_wire import redis_command, redis_keys
from .stack import RunningStack


def _engine_call(stack: RunningStack, call: str, instance_id: str) -> object:
    host, port = stack.host_sidecar_grpc.rsplit(":", 1)

    async def run() -> object:
        engine = WorkflowEngine(host, int(port), stack.tokens.dapr_tokens.get(WORKFLOW_APP_ID))
        try:
            return await getattr(engine, call)(instance_id)
        finally:
            await engine.close()

    return asyncio.run(run())


def test_a_forced_purge_removes_a_workflow_whose_history_lost_a_key(stack: RunningStack):
    invoice_id = start_generated(stack, 1, {}, "DAMAGED", pages=2)
    assert stack.wait_for_end(invoice_id)["status"] == "COMPLETED"
    keys = redis_keys(stack.redis_url, f"*||{invoice_id}||*")
    first_event = next(k for k in keys if k.endswith("||history-000000"))
    assert any(k.endswith("||metadata") for k in keys), keys

    assert redis_command(stack.redis_url, "DEL", first_event) == 1
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        _engine_call(stack, "history", invoice_id)
    assert lost_its_history(refused.value.details() or ""), refused.value.details()

    _engine_call(stack, "force_purge", invoice_id)
    assert redis_keys(stack.redis_url, f"*||{invoice_id}||*") == []
    with stack.client() as client:
        assert client.get(f"/api/workflows/{invoice_id}").status_code == 404
