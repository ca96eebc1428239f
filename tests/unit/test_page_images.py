"""A page as a picture: found from the instance's history, rendered by the extract
service, passed on by the host and the console."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import httpx
from PIL import Image
from pydantic import SecretStr

from extract_service.config import Settings as ExtractSettings
from extract_service.main import create_app as create_extract_app
from extract_service.raster import page_png
from invoice_gen import generate_invoice
from invoice_shared.artifacts import ArtifactStore, page_key
from invoice_shared.dapr_names import SPLIT_ACTIVITY, UPLOAD_ACTIVITY
from split_service.pdf_split import open_pdf, split_pages
from workflow_app.history_pages import split_pages as pages_in_history

TOKEN = SecretStr("page-image-token-0123456789")
SHA = "ab" * 32


def _page(n: int) -> dict[str, object]:
    return {"invoice_id": "INV-1", "source_sha256": SHA, "page_number": n, "page_count": 2,
            "blob_key": page_key(SHA, n), "width_pt": 595.0, "height_pt": 842.0,
            "rotation": 0, "has_text_layer": True}  # fmt: skip


def _history(*split_results: object) -> list[dict[str, object]]:
    events: list[dict[str, object]] = [
        {"event_id": 0, "kind": "taskScheduled", "details": {"name": UPLOAD_ACTIVITY}},
        {"event_id": -1, "kind": "taskCompleted",
         "details": {"taskScheduledId": 0, "result": json.dumps({"pages": ["not", "these"]})}},
    ]  # fmt: skip
    for n, result in enumerate(split_results, start=1):
        events.append({"event_id": n, "kind": "taskScheduled", "details": {"name": SPLIT_ACTIVITY}})
        events.append(
            {"event_id": -1, "kind": "taskCompleted",
             "details": {"taskScheduledId": n, "result": json.dumps(result)}}
        )  # fmt: skip
    return events


def test_the_pages_come_from_the_split_result_in_the_history():
    split = {"invoice_id": "INV-1", "source_sha256": SHA, "page_count": 2,
             "pages": [_page(1), _page(2)]}  # fmt: skip
    pages = pages_in_history(_history(split))
    assert pages is not None and [p.blob_key for p in pages] == [page_key(SHA, 1), page_key(SHA, 2)]
    # An unreadable later result does not hide the earlier one; no split at all is None.
    assert pages_in_history(_history(split, {"nonsense": True})) == pages
    assert pages_in_history(_history()) is None


def _one_page_pdf() -> bytes:
    reader = open_pdf(generate_invoice(seed=5, pages=2).pdf, max_pages=10)
    return next(iter(split_pages(reader))).pdf


def test_a_page_renders_as_a_png_of_the_asked_width():
    image = Image.open(io.BytesIO(page_png(_one_page_pdf(), 400)))
    assert image.format == "PNG" and image.width == 400
    assert image.height > image.width  # portrait, to scale
    # Not blank: a text page has dark pixels.
    assert image.convert("L").getextrema()[0] < 100


def _get(app: object, path: str, params: dict[str, object]) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            headers = {"dapr-api-token": TOKEN.get_secret_value()}
            return await client.get(path, params=params, headers=headers)  # type: ignore[arg-type]

    return asyncio.run(call())


def test_the_extract_service_serves_stored_pages_only(tmp_path: Path):
    ArtifactStore(tmp_path).put_bytes(page_key(SHA, 1), _one_page_pdf())
    app = create_extract_app(ExtractSettings(artifact_dir=tmp_path), app_token=TOKEN)
    shown = _get(app, "/pages/image", {"blob_key": page_key(SHA, 1), "width": 300})
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(shown.content)).width == 300
    missing = _get(app, "/pages/image", {"blob_key": page_key(SHA, 2)})
    assert missing.status_code == 404 and "no stored page" in missing.json()["message"]
    outside = _get(app, "/pages/image", {"blob_key": "pages/../../etc/passwd"})
    assert outside.status_code == 422
    not_a_page = _get(app, "/pages/image", {"blob_key": "blobs/ab/x.pdf"})
    assert not_a_page.status_code == 422
