"""HTTP calls from this app to its own Dapr sidecar: service invocation and state.

Activities never call a service directly: every call goes through our sidecar,
which resolves the target app id and applies the resiliency policies.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from invoice_shared.dapr_names import STATE_STORE
from invoice_shared.web import error_text


class NonRetryableError(Exception):
    """The input is at fault; retrying the same call cannot succeed.

    The name matters, not the module: the workflow engine's retry loop skips any
    failure whose error type is named `NonRetryableError`.
    """


class Sidecar:
    def __init__(
        self,
        host: str,
        http_port: int,
        timeout: float,
        api_token: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._timeout = timeout
        headers = {"dapr-api-token": api_token} if api_token else {}
        # One pooled client for all activity threads: connection reuse to the sidecar.
        self._http = httpx.Client(
            base_url=f"http://{host}:{http_port}",
            timeout=httpx.Timeout(timeout, connect=5.0),
            headers=headers,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def invoke(self, app_id: str, method: str, payload: Any) -> Any:
        """POST `payload` to `method` on `app_id`; 4xx answers are non-retryable."""
        try:
            response = self._http.post(f"/v1.0/invoke/{app_id}/method/{method}", json=payload)
        except httpx.TimeoutException as exc:
            raise TimeoutError(
                f"{app_id}/{method} did not answer within {self._timeout:g} s"
            ) from exc
        except httpx.TransportError as exc:
            raise ConnectionError(
                f"could not reach the sidecar for {app_id}/{method}: {exc}"
            ) from exc
        if response.is_success:
            return response.json()
        message = error_text(response.text, response.reason_phrase)
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            raise NonRetryableError(
                f"{app_id} rejected {method} ({response.status_code}): {message}"
            )
        raise RuntimeError(f"{app_id}/{method} failed ({response.status_code}): {message}")

    def post_bytes(
        self, app_id: str, method: str, data: bytes, content_type: str, params: dict[str, str]
    ) -> httpx.Response:
        """Invoke `method` with a raw body; the caller reads the answer."""
        return self._http.post(
            f"/v1.0/invoke/{app_id}/method/{method}",
            content=data,
            params=params,
            headers={"content-type": content_type},
        )

    def get_bytes(self, app_id: str, method: str, params: dict[str, str]) -> httpx.Response:
        """GET `method` of `app_id` through service invocation; the caller reads the answer."""
        return self._http.get(f"/v1.0/invoke/{app_id}/method/{method}", params=params)

    def save_state(self, key: str, value: Any, ttl_seconds: int | None = None) -> None:
        item: dict[str, Any] = {"key": key, "value": value}
        if ttl_seconds:
            item["metadata"] = {"ttlInSeconds": str(ttl_seconds)}
        response = self._http.post(f"/v1.0/state/{STATE_STORE}", json=[item])
        if not response.is_success:
            raise RuntimeError(f"saving {key} failed ({response.status_code}): {response.text}")

    def delete_state(self, keys: list[str]) -> None:
        """Delete `keys` in one state-store transaction."""
        operations = [{"operation": "delete", "request": {"key": key}} for key in keys]
        response = self._http.post(
            f"/v1.0/state/{STATE_STORE}/transaction", json={"operations": operations}
        )
        if not response.is_success:
            raise RuntimeError(f"deleting state failed ({response.status_code}): {response.text}")

    def get_bulk_state(self, keys: list[str]) -> dict[str, Any]:
        """Values by key; keys with no stored value are left out."""
        response = self._http.post(
            f"/v1.0/state/{STATE_STORE}/bulk", json={"keys": keys, "parallelism": 16}
        )
        if not response.is_success:
            raise RuntimeError(f"bulk state read failed ({response.status_code}): {response.text}")
        return {item["key"]: item["data"] for item in response.json() if "data" in item}

    def metadata(self) -> dict[str, Any]:
        response = self._http.get("/v1.0/metadata", timeout=5.0)
        response.raise_for_status()
        metadata: dict[str, Any] = response.json()
        return metadata

    def request_shutdown(self) -> None:
        """Ask the sidecar to exit (Dapr's shutdown API); whatever supervises it starts
        it again: our supervisor, a compose restart policy, the kubelet."""
        self._http.post("/v1.0/shutdown", timeout=5.0).raise_for_status()

    def invoke_get(self, app_id: str, method: str) -> tuple[Any | None, str | None]:
        """GET `method` of `app_id` through service invocation: (its JSON, None) when it
        answers 2xx, else (None, what went wrong)."""
        try:
            response = self._http.get(f"/v1.0/invoke/{app_id}/method/{method}", timeout=5.0)
        except httpx.HTTPError as exc:
            return None, f"not reached: {exc}"
        if not response.is_success:
            return None, (
                f"{response.status_code}: {error_text(response.text, response.reason_phrase)}"
            )
        try:
            return response.json(), None
        except ValueError:
            return None, f"answered {response.status_code} without JSON"

    def probe_state(self) -> tuple[bool, str]:
        """Whether the state store answers a read now (of a key nobody writes)."""
        started = time.monotonic()
        try:
            self.get_bulk_state(["system-probe"])
        except (httpx.HTTPError, RuntimeError) as exc:
            return False, str(exc)[:300]
        return True, f"answers ({(time.monotonic() - started) * 1000:.0f} ms)"

    def outbound_healthy(self) -> bool:
        try:
            return self._http.get("/v1.0/healthz/outbound", timeout=2.0).status_code == 204
        except httpx.HTTPError:
            return False
