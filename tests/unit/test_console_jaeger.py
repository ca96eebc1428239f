"""The console's Jaeger client against a fake query API: an invoice's trace is found by
the instance id its spans are tagged with, then fetched whole by its id; when Jaeger is
down or refuses, the client says so in words."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from console_app.jaeger import LOOKBACK_SECONDS, Jaeger, JaegerError, TraceRef

NOW = 1_780_000_000.0
SDK_TAG = "dapr.ext.workflow._durabletask.task.instance_id"
RUNTIME_TAG = "durabletask.task.instance_id"
Handler = Callable[[httpx.Request], httpx.Response]


def found(trace_id: str, first_start_us: int, spans: int = 2) -> dict[str, Any]:
    return {
        "traceID": trace_id,
        "spans": [
            {"traceID": trace_id, "spanID": f"s{n}", "startTime": first_start_us + n}
            for n in range(spans)
        ],
        "processes": {},
    }


def run(handler: Handler, call: Callable[[Jaeger], Any]) -> Any:
    async def go() -> Any:
        transport = httpx.MockTransport(handler)
        async with Jaeger("http://jaeger", 2.0, transport=transport, clock=lambda: NOW) as jaeger:
            return await call(jaeger)

    return asyncio.run(go())


def test_the_trace_is_found_by_the_sdk_tag_on_the_workflow_app_then_fetched_whole():
    seen: list[httpx.Request] = []
    whole = found("4bf92f3577b34da6a3ce929d0e0e4736", 5, spans=7)

    def jaeger(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/traces":
            return httpx.Response(200, json={"data": [found(whole["traceID"], 5)]})
        assert request.url.path == f"/api/traces/{whole['traceID']}"
        return httpx.Response(200, json={"data": [whole]})

    async def find_then_fetch(client: Jaeger) -> Any:
        refs = await client.find_traces("INV-1")
        return refs, await client.trace(refs[0].trace_id)

    refs, trace = run(jaeger, find_then_fetch)
    assert refs == [TraceRef(whole["traceID"], 5, 2)]
    assert trace == whole
    search = seen[0].url.params
    assert search["service"] == "workflow-app"
    assert json.loads(search["tags"]) == {SDK_TAG: "INV-1"}
    assert search["limit"] == "20"
    assert int(search["end"]) == int(NOW * 1_000_000)
    assert int(search["end"]) - int(search["start"]) == LOOKBACK_SECONDS * 1_000_000
    assert len(seen) == 2


def test_the_runtimes_tag_is_asked_when_the_sdk_tag_finds_nothing():
    asked: list[dict[str, str]] = []

    def jaeger(request: httpx.Request) -> httpx.Response:
        tags = json.loads(request.url.params["tags"])
        asked.append(tags)
        data = [found("aa", 1)] if RUNTIME_TAG in tags else []
        return httpx.Response(200, json={"data": data})

    refs = run(jaeger, lambda client: client.find_traces("INV-9"))
    assert [r.trace_id for r in refs] == ["aa"]
    assert asked == [{SDK_TAG: "INV-9"}, {RUNTIME_TAG: "INV-9"}]


def test_several_runs_under_one_id_come_newest_first():
    def jaeger(request: httpx.Request) -> httpx.Response:
        data = [found("old", 100), found("newest", 900), found("middle", 500)]
        return httpx.Response(200, json={"data": data})

    refs = run(jaeger, lambda client: client.find_traces("INV-1"))
    assert [r.trace_id for r in refs] == ["newest", "middle", "old"]


def test_no_trace_yet_is_an_empty_answer_not_an_error():
    def jaeger(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": None, "total": 0, "errors": None})

    assert run(jaeger, lambda client: client.find_traces("INV-1")) == []


def test_a_trace_jaeger_no_longer_holds_is_none():
    def jaeger(request: httpx.Request) -> httpx.Response:
        body = {"data": None, "errors": [{"code": 404, "msg": "trace not found"}]}
        return httpx.Response(404, json=body)

    assert run(jaeger, lambda client: client.trace("abc123")) is None


def test_jaeger_down_is_said_plainly():
    def jaeger(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(JaegerError) as caught:
        run(jaeger, lambda client: client.find_traces("INV-1"))
    assert caught.value.message.startswith("Jaeger did not answer at http://jaeger")
    assert "connection refused" in caught.value.message


def test_a_refusal_carries_jaegers_own_words():
    def jaeger(request: httpx.Request) -> httpx.Response:
        body = {"data": None, "errors": [{"code": 500, "msg": "storage is not ready"}]}
        return httpx.Response(500, json=body)

    with pytest.raises(JaegerError, match="Jaeger answered 500: storage is not ready"):
        run(jaeger, lambda client: client.find_traces("INV-1"))


def test_a_trace_id_that_is_not_hex_never_reaches_jaeger():
    def jaeger(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"asked Jaeger for {request.url}")

    with pytest.raises(JaegerError, match="not a trace id"):
        run(jaeger, lambda client: client.trace("../api/services"))
