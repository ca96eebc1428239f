"""The four steps, in process: the same code our services run per call, without HTTP.

Each step is the core function the service's route calls (`upload_service.upload.upload_pdf`,
`split_service.split.split_pdf`, `extract_service.extract.extract_page`,
`aggregate_service.merge.aggregate`), called with that service's Settings, inside the
route's `about(invoice_id)`, so every peer does byte for byte the work our services do:
the same source checks, content-addressed artifact writes (ArtifactStore), pypdf split,
page text through the extract service's bounded pool of forkserver processes
(EXTRACTION_WORKERS=4, stream and time limits), parsing and merging.

The steps take and return JSON-ready dicts, validated against the shared contracts on
the way in and dumped with `model_dump(mode="json")` on the way out: what crosses an
activity boundary in the Dapr workflow, and what the engines persist here.

A step that fails raises StepError: `retryable=False` when the input is at fault (the
service would answer 4xx; the Dapr workflow raises NonRetryableError and does not retry),
True when trying again may help (a 5xx). StepError pickles, unlike ServiceError, so the
engines can persist and ship it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec

from pydantic import ValidationError

from aggregate_service.merge import aggregate as merge_pages
from extract_service import config as extract_config
from extract_service.bounded import bounded_page_text
from extract_service.extract import extract_page
from invoice_gen import generate_invoice
from invoice_shared.models import (
    AggregateRequest,
    InvoiceRequest,
    PageMetadata,
    UploadResult,
)
from invoice_shared.web import ServiceError, about
from split_service import config as split_config
from split_service.split import split_pdf
from upload_service import config as upload_config
from upload_service.upload import upload_pdf

Json = dict[str, Any]
P = ParamSpec("P")

# Environment variables naming the directories, for worker processes.
SOURCE_DIR_ENV = "BENCH_SOURCE_DIR"
ARTIFACT_DIR_ENV = "BENCH_ARTIFACT_DIR"


class StepError(Exception):
    """A failed step: what went wrong, and whether trying again may help."""

    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message, retryable)
        self.message = message
        self.retryable = retryable

    def __str__(self) -> str:
        return self.message


def _step(fn: Callable[P, Json]) -> Callable[P, Json]:
    """Turn the services' errors into StepError, as the HTTP status would have told."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Json:
        try:
            return fn(*args, **kwargs)
        except ServiceError as exc:
            raise StepError(f"{exc.error}: {exc.message}", exc.status_code >= 500) from None
        except ValidationError as exc:  # FastAPI's 422, or the host's NonRetryableError
            raise StepError(f"invalid_request: {exc}", retryable=False) from None

    return wrapper


class Steps:
    """The four steps bound to a source directory (the corpus) and an artifact store.

    Every other setting is the service's default (or its environment variable), as on
    the Dapr stack. Thread-safe: steps share nothing but the extraction pool.
    """

    def __init__(self, source_dir: Path, artifact_dir: Path) -> None:
        self.source_dir = source_dir
        self.artifact_dir = artifact_dir
        self._upload = upload_config.Settings(source_base_dir=source_dir, artifact_dir=artifact_dir)
        self._split = split_config.Settings(artifact_dir=artifact_dir)
        self._extract = extract_config.Settings(artifact_dir=artifact_dir)

    @classmethod
    def from_env(cls) -> Steps:
        return cls(Path(os.environ[SOURCE_DIR_ENV]), Path(os.environ[ARTIFACT_DIR_ENV]))

    def env(self) -> dict[str, str]:
        return {SOURCE_DIR_ENV: str(self.source_dir), ARTIFACT_DIR_ENV: str(self.artifact_dir)}

    def warm_up(self) -> None:
        """Start the extraction pool (its forkserver and EXTRACTION_WORKERS processes), as
        a running extract service has it, by extracting one generated page. Generous
        time: the workers' first start is slow on a busy machine."""
        page = generate_invoice(0, 1).pdf
        settings = self._extract
        bounded_page_text(page, settings.max_stream_bytes, 300.0, settings.extraction_workers)

    @_step
    def upload(self, request: Json) -> Json:
        """InvoiceRequest -> UploadResult (POST /upload)."""
        parsed = InvoiceRequest.model_validate(request)
        with about(parsed.invoice_id):
            return upload_pdf(parsed, self._upload).model_dump(mode="json")

    @_step
    def split(self, upload: Json) -> Json:
        """UploadResult -> SplitResult (POST /split)."""
        parsed = UploadResult.model_validate(upload)
        with about(parsed.invoice_id):
            return split_pdf(parsed, self._split).model_dump(mode="json")

    @_step
    def extract(self, page: Json) -> Json:
        """PageMetadata -> PageExtraction (POST /extract)."""
        parsed = PageMetadata.model_validate(page)
        with about(parsed.invoice_id):
            return extract_page(parsed, self._extract).model_dump(mode="json")

    @_step
    def aggregate(self, invoice_id: str, pages: list[Json]) -> Json:
        """{invoice_id, pages} -> AggregatedInvoice (POST /aggregate)."""
        request = AggregateRequest.model_validate({"invoice_id": invoice_id, "pages": pages})
        return merge_pages(request.invoice_id, list(request.pages)).model_dump(mode="json")


def request_for(invoice_id: str, pdf_path: str) -> Json:
    """The workflow's input, as POST /api/workflows/invoice takes it."""
    return InvoiceRequest(invoice_id=invoice_id, pdf_path=pdf_path).model_dump(mode="json")


def retryable(exc: BaseException) -> bool:
    """Whether a failed step may succeed when tried again: anything but a StepError
    that says the input is at fault."""
    return not isinstance(exc, StepError) or exc.retryable
