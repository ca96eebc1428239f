"""Process one invoice through the running stack and return the result."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx

from invoice_shared.auth import api_key_headers
from invoice_shared.dapr_names import TERMINAL_STATUSES as TERMINAL

log = logging.getLogger(__name__)


def run_invoice(
    api_url: str,
    api_key: str,
    invoice_id: str,
    pdf_path: str,
    timeout: float = 120.0,
    approver: str | None = None,
) -> dict[str, Any]:
    """Start a workflow for `pdf_path` and poll it until it ends; returns its view.

    With `approver`, an invoice that waits for approval is approved in their name.
    """
    headers = api_key_headers(api_key)
    with httpx.Client(base_url=api_url, timeout=10.0, headers=headers) as client:
        started = client.post(
            "/api/workflows/invoice", json={"invoice_id": invoice_id, "pdf_path": pdf_path}
        )
        if started.status_code != 202:
            raise RuntimeError(f"start failed ({started.status_code}): {started.text}")
        status_url = started.json()["status_url"]
        deadline = time.monotonic() + timeout
        while True:
            view: dict[str, Any] = client.get(status_url).json()
            if view["status"] in TERMINAL:
                return view
            if approver and view["stage"] == "awaiting_approval":
                log.info("%s awaits approval; approving it as %s", invoice_id, approver)
                client.post(
                    f"{status_url}/raise-event/approval",
                    json={"approved": True, "approver": approver, "comment": "make demo"},
                ).raise_for_status()
                approver = None
            if time.monotonic() > deadline:
                raise TimeoutError(f"{invoice_id} still {view['status']} after {timeout:.0f} s")
            time.sleep(0.2)
