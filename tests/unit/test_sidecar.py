"""How answers from the sidecar become activity outcomes."""

from __future__ import annotations

import httpx
import pytest

from workflow_app.sidecar import NonRetryableError, Sidecar


def _sidecar(status: int, body: object, seen: list[httpx.Request] | None = None) -> Sidecar:
    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return Sidecar("127.0.0.1", 3500, 5.0, "tok", transport=httpx.MockTransport(handle))


def test_calls_go_through_the_sidecar_invoke_api_with_the_token():
    seen: list[httpx.Request] = []
    assert _sidecar(200, {"ok": True}, seen).invoke("split-service", "split", {}) == {"ok": True}
    assert seen[0].url.path == "/v1.0/invoke/split-service/method/split"
    assert seen[0].headers["dapr-api-token"] == "tok"


def test_a_client_error_is_non_retryable_and_carries_the_service_message():
    body = {"error": "not_a_pdf", "message": "the file is not a PDF"}
    with pytest.raises(
        NonRetryableError, match="upload-service rejected upload \\(422\\): the file"
    ):
        _sidecar(422, body).invoke("upload-service", "upload", {})


@pytest.mark.parametrize("status", [500, 502, 503, 408, 429])
def test_server_errors_timeouts_and_throttling_stay_retryable(status: int):
    with pytest.raises(RuntimeError) as raised:
        _sidecar(status, {"message": "busy"}).invoke("extract-service", "extract", {})
    assert not isinstance(raised.value, NonRetryableError)


def test_an_unreachable_sidecar_is_a_retryable_connection_error():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    sidecar = Sidecar("127.0.0.1", 3500, 5.0, transport=httpx.MockTransport(refuse))
    with pytest.raises(ConnectionError, match="could not reach the sidecar"):
        sidecar.invoke("split-service", "split", {})


def test_bulk_state_leaves_out_keys_without_data():
    items = [{"key": "a", "data": {"x": 1}}, {"key": "b"}]
    assert _sidecar(200, items).get_bulk_state(["a", "b"]) == {"a": {"x": 1}}
