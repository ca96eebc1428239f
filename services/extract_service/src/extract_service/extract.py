"""Extracting the invoice fields of one stored page."""

from extract_service.bounded import bounded_page_text
from extract_service.config import Settings
from extract_service.fields import parse_page
from invoice_shared.artifacts import ArtifactKeyError, ArtifactStore
from invoice_shared.models import PageExtraction, PageMetadata
from invoice_shared.web import ServiceError


def extract_page(page: PageMetadata, settings: Settings) -> PageExtraction:
    """Read the stored page, get its text within the configured bounds, and parse it."""
    try:
        data = ArtifactStore(settings.artifact_dir).read_bytes(page.blob_key)
    except ArtifactKeyError as exc:
        raise ServiceError(422, "invalid_key", str(exc)) from exc
    except FileNotFoundError as exc:
        raise ServiceError(404, "page_not_found", f"no stored page at {page.blob_key}") from exc
    # A page without fonts has no text to find (a scan: OCR is not configured); the
    # parser reports an empty page with a warning.
    text = ""
    if page.has_text_layer:
        text = bounded_page_text(
            data,
            settings.max_stream_bytes,
            settings.page_timeout_seconds,
            settings.extraction_workers,
        )
    return parse_page(text).to_extraction(page.invoice_id, page.page_number)
