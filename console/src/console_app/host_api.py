"""The console's client of the workflow host's REST API, with the signed-in key."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from invoice_shared.auth import api_key_headers
from invoice_shared.web import error_text

Json = dict[str, Any]


class HostError(Exception):
    """The host refused or failed a call; `message` is its own words."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _instance(instance_id: str) -> str:
    """The instance's path on the host: a "?", "#" or "%" in an id stays part of it."""
    return "/api/workflows/" + quote(instance_id, safe="")


class HostApi:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers=api_key_headers(api_key),
            timeout=timeout,
            transport=transport,
        )

    async def __aenter__(self) -> HostApi:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._http.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The host's successful answer; its refusal or silence as a HostError."""
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise HostError(503, f"the workflow host did not answer: {exc}") from exc
        if response.is_success:
            return response
        raise HostError(response.status_code, error_text(response.text, response.reason_phrase))

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._send(method, path, **kwargs)
        return response.json() if response.content else None

    async def page_image(self, instance_id: str, page_number: int, width: int) -> bytes:
        path = f"{_instance(instance_id)}/pages/{page_number}/image"
        return (await self._send("GET", path, params={"width": width})).content

    async def key_is_valid(self) -> bool:
        try:
            await self._call("GET", "/api/workflows", params={"limit": 1})
        except HostError as error:
            if error.status_code == 401:
                return False
            raise
        return True

    async def instances(self, status: str | None = None, limit: int = 1000) -> list[Json]:
        """Top-level instances, newest first, each with its stage, pages and total."""
        params: dict[str, Any] = {"limit": limit, "details": "true"}
        if status:
            params["status"] = status
        result: list[Json] = await self._call("GET", "/api/workflows", params=params)
        return result

    async def instance(self, instance_id: str) -> Json:
        result: Json = await self._call("GET", _instance(instance_id))
        return result

    async def history(self, instance_id: str) -> list[Json]:
        result: list[Json] = await self._call("GET", f"{_instance(instance_id)}/history")
        return result

    async def start_from_path(self, invoice_id: str, pdf_path: str) -> Json:
        body = {"invoice_id": invoice_id, "pdf_path": pdf_path}
        result: Json = await self._call("POST", "/api/workflows/invoice", json=body)
        return result

    async def upload(self, filename: str, data: bytes, invoice_id: str | None) -> Json:
        files = {"file": (filename, data, "application/pdf")}
        form = {"invoice_id": invoice_id} if invoice_id else {}
        result: Json = await self._call("POST", "/api/invoices", files=files, data=form)
        return result

    async def act(self, instance_id: str, action: str) -> None:
        """pause, resume, terminate (POST) or purge (DELETE)."""
        if action == "purge":
            await self._call("DELETE", _instance(instance_id))
        else:
            await self._call("POST", f"{_instance(instance_id)}/{action}")

    async def decide(self, instance_id: str, decision: Json) -> None:
        await self._call("POST", f"{_instance(instance_id)}/raise-event/approval", json=decision)

    async def rerun(self, instance_id: str, new_id: str, from_event_id: int | None) -> Json:
        body: Json = {"new_instance_id": new_id}
        if from_event_id is not None:
            body["from_event_id"] = from_event_id
        result: Json = await self._call("POST", f"{_instance(instance_id)}/rerun", json=body)
        return result

    async def system(self) -> Json:
        result: Json = await self._call("GET", "/api/system")
        return result
