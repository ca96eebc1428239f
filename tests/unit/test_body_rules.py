"""A body without a length (chunked) is held to the same limit as one with."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from aggregate_service.main import create_app

TOKEN = SecretStr("body-rules-test-token-0123456789")
LIMIT = 200


def _post_chunked(body: bytes) -> httpx.Response:
    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 50):
            yield body[start : start + 50]

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(app_token=TOKEN))
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            headers = {
                "content-type": "application/json",
                "dapr-api-token": TOKEN.get_secret_value(),
            }
            return await client.post("/aggregate", content=chunks(), headers=headers)

    return asyncio.run(call())


def _request(description: str) -> bytes:
    page = {"invoice_id": "INV-1", "page_number": 1, "total": 12.5,
            "line_items": [{"description": description, "amount": 12.5}]}  # fmt: skip
    return json.dumps({"invoice_id": "INV-1", "pages": [page]}).encode()


@pytest.fixture(autouse=True)
def _small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_JSON_BYTES", str(LIMIT))


def test_a_chunked_body_over_the_limit_is_refused_without_reading_it_all():
    answer = _post_chunked(_request("x" * 500))
    assert answer.status_code == 413
    assert answer.json() == {
        "error": "too_large",
        "message": f"the chunked body exceeds the limit of {LIMIT} bytes",
    }


def test_a_chunked_body_within_the_limit_reaches_the_route_whole():
    body = _request("hosting")
    assert len(body) < LIMIT
    answer = _post_chunked(body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["line_items"][0]["description"] == "hosting"
