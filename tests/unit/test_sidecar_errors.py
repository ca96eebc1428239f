"""A sidecar call that fails for a passing reason is a 503 to retry, not a 500."""

import asyncio

import grpc
import httpx
from fastapi import FastAPI
from grpc.aio import AioRpcError, Metadata

from workflow_app.state_reads import install_sidecar_error_handler


def _post_to_app_failing_with(code: grpc.StatusCode) -> httpx.Response:
    app = FastAPI(title="host")
    install_sidecar_error_handler(app)

    @app.post("/resume")
    async def resume() -> None:
        raise AioRpcError(code, Metadata(), Metadata(), details="context canceled")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.post("/resume")

    return asyncio.run(call())


def test_a_sidecar_going_down_mid_call_answers_503_retry():
    answer = _post_to_app_failing_with(grpc.StatusCode.CANCELLED)
    assert answer.status_code == 503
    assert answer.json()["error"] == "sidecar_unavailable"
    assert "retry" in answer.json()["message"]
    assert answer.headers["Retry-After"] == "1"  # when to, as HTTP clients expect


def test_a_refusal_that_retrying_cannot_change_stays_a_500():
    answer = _post_to_app_failing_with(grpc.StatusCode.PERMISSION_DENIED)
    assert answer.status_code == 500
    assert "PERMISSION_DENIED" in answer.json()["message"]
    assert "Retry-After" not in answer.headers
