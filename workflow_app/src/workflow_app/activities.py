"""Workflow activities: each validates its input, calls one service through the
sidecar and validates the answer against the shared contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from dapr.ext.workflow import WorkflowActivityContext
from pydantic import BaseModel, ValidationError

from invoice_shared.dapr_names import (
    AGGREGATE_ACTIVITY,
    AGGREGATE_APP_ID,
    AGGREGATE_METHOD,
    EXTRACT_ACTIVITY,
    EXTRACT_APP_ID,
    EXTRACT_METHOD,
    SPLIT_ACTIVITY,
    SPLIT_APP_ID,
    SPLIT_METHOD,
    UPLOAD_ACTIVITY,
    UPLOAD_APP_ID,
    UPLOAD_METHOD,
)
from invoice_shared.models import (
    AggregatedInvoice,
    AggregateRequest,
    InvoiceRequest,
    PageExtraction,
    PageMetadata,
    SplitResult,
    UploadResult,
)
from workflow_app.models import AggregateInput, ExtractionRef
from workflow_app.planning import LINE_ITEMS_KEY_FIELD, extraction_state_key, line_items_state_key
from workflow_app.sidecar import NonRetryableError, Sidecar

Json = dict[str, Any]
Activity = Callable[[WorkflowActivityContext, Json], Any]
M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], payload: Any, what: str) -> M:
    """The one boundary rule: every payload crossing an activity is validated."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise NonRetryableError(f"{what} does not match {model.__name__}: {exc}") from exc


class InvoiceActivities:
    """The four activities, bound to one sidecar client."""

    def __init__(
        self, sidecar: Sidecar, extraction_ttl_seconds: int, line_items_inline_bytes: int
    ) -> None:
        self._sidecar = sidecar
        self._ttl = extraction_ttl_seconds
        self._inline_bytes = line_items_inline_bytes

    def _call(self, app_id: str, method: str, body: BaseModel, answer: type[M]) -> M:
        raw = self._sidecar.invoke(app_id, method, body.model_dump(mode="json"))
        return _parse(answer, raw, f"the answer of {app_id}/{method}")

    def upload(self, _: WorkflowActivityContext, payload: Json) -> Json:
        request = _parse(InvoiceRequest, payload, "upload input")
        result = self._call(UPLOAD_APP_ID, UPLOAD_METHOD, request, UploadResult)
        return result.model_dump(mode="json")

    def split(self, _: WorkflowActivityContext, payload: Json) -> Json:
        upload = _parse(UploadResult, payload, "split input")
        result = self._call(SPLIT_APP_ID, SPLIT_METHOD, upload, SplitResult)
        return result.model_dump(mode="json")

    def extract(self, _: WorkflowActivityContext, payload: Json) -> Json:
        page = _parse(PageMetadata, payload, "extract input")
        extraction = self._call(EXTRACT_APP_ID, EXTRACT_METHOD, page, PageExtraction)
        # The extraction goes to the state store and only its key into the history.
        key = extraction_state_key(page.invoice_id, page.source_sha256, page.page_number)
        self._sidecar.save_state(key, extraction.model_dump(mode="json"), self._ttl)
        return ExtractionRef(page_number=page.page_number, state_key=key).model_dump()

    def aggregate(self, ctx: WorkflowActivityContext, payload: Json) -> Json:
        request = _parse(AggregateInput, payload, "aggregate input")
        keys = [ref.state_key for ref in request.extractions]
        stored = self._sidecar.get_bulk_state(keys)
        missing = [key for key in keys if key not in stored]
        if missing:
            # Retryable: a store that is catching up may still have them next time.
            raise RuntimeError(f"{len(missing)} page extractions missing, e.g. {missing[0]}")
        pages = [_parse(PageExtraction, stored[key], f"stored {key}") for key in keys]
        body = AggregateRequest(invoice_id=request.invoice_id, pages=pages)
        result = self._call(AGGREGATE_APP_ID, AGGREGATE_METHOD, body, AggregatedInvoice)
        invoice = result.model_dump(mode="json")
        items = invoice["line_items"]
        if len(json.dumps(items)) > self._inline_bytes:
            # A long invoice's items would push its history past what the SDK takes:
            # keep them beside the workflow (no TTL: they are its result) and put the key
            # in their place; GET /api/workflows/{id} puts them back. Same key on a retry.
            key = line_items_state_key(ctx.workflow_id)
            self._sidecar.save_state(key, items)
            invoice["line_items"] = []
            invoice[LINE_ITEMS_KEY_FIELD] = key
        return invoice

    def by_name(self) -> dict[str, Activity]:
        return {
            UPLOAD_ACTIVITY: self.upload,
            SPLIT_ACTIVITY: self.split,
            EXTRACT_ACTIVITY: self.extract,
            AGGREGATE_ACTIVITY: self.aggregate,
        }
