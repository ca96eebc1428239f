"""The aggregate activity over a stand-in sidecar: where a long invoice's items go."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from workflow_app.activities import InvoiceActivities
from workflow_app.planning import extraction_state_key

SHA = "0" * 64
ITEM = {"description": "Consulting, one week", "quantity": 1, "unit_price": 500.0, "amount": 500.0}


class FakeSidecar:
    """Stored extractions in, the aggregate service's answer out, saves recorded."""

    def __init__(self, items_per_page: int, pages: int) -> None:
        self.pages = pages
        self.items_per_page = items_per_page
        self.saved: list[tuple[str, Any, int | None]] = []

    def _extraction(self, page: int) -> dict[str, Any]:
        return {"invoice_id": "INV-9", "page_number": page, "currency": "EUR",
                "line_items": [ITEM] * self.items_per_page}  # fmt: skip

    def get_bulk_state(self, keys: list[str]) -> dict[str, Any]:
        return {key: self._extraction(int(key.rsplit(":", 1)[1])) for key in keys}

    def invoke(self, app_id: str, method: str, body: dict[str, Any]) -> dict[str, Any]:
        items = [item for page in body["pages"] for item in page["line_items"]]
        return {"invoice_id": body["invoice_id"], "page_count": len(body["pages"]),
                "currency": "EUR", "line_items": items}  # fmt: skip

    def save_state(self, key: str, value: Any, ttl_seconds: int | None = None) -> None:
        self.saved.append((key, value, ttl_seconds))


def _aggregate(sidecar: FakeSidecar, inline_bytes: int) -> dict[str, Any]:
    activities = InvoiceActivities(sidecar, 3600, inline_bytes)  # type: ignore[arg-type]
    refs = [
        {"page_number": n, "state_key": extraction_state_key("INV-9", SHA, n)}
        for n in range(1, sidecar.pages + 1)
    ]
    ctx = SimpleNamespace(workflow_id="INV-9")
    return activities.aggregate(ctx, {"invoice_id": "INV-9", "extractions": refs})  # type: ignore[arg-type]


def test_a_short_invoice_keeps_its_line_items_in_the_result():
    sidecar = FakeSidecar(items_per_page=3, pages=2)
    invoice = _aggregate(sidecar, inline_bytes=64 * 1024)
    assert len(invoice["line_items"]) == 6 and "line_items_state_key" not in invoice
    assert sidecar.saved == []


@pytest.mark.parametrize("attempts", [1, 2])
def test_items_beyond_the_inline_limit_go_to_the_state_store_under_one_key(attempts: int):
    sidecar = FakeSidecar(items_per_page=3, pages=40)
    for _ in range(attempts):  # a retried activity writes the same key again
        invoice = _aggregate(sidecar, inline_bytes=1024)
    assert invoice["line_items"] == [] and invoice["line_items_state_key"] == "line-items:INV-9"
    assert {key for key, _, _ in sidecar.saved} == {"line-items:INV-9"}
    _, items, ttl = sidecar.saved[-1]
    assert len(items) == 120 and items[0]["description"] == ITEM["description"]
    assert ttl is None  # the invoice's result: kept until its instance is purged
