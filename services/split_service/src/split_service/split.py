"""Splitting a stored PDF into single-page PDFs stored beside it."""

import logging

from pypdf import PdfReader

from invoice_shared.artifacts import (
    ArtifactKeyError,
    ArtifactStore,
    blob_key,
    einvoice_key,
    page_key,
    sha256_hex,
)
from invoice_shared.models import PageMetadata, SplitResult, UploadResult
from invoice_shared.web import ServiceError
from split_service.config import Settings
from split_service.einvoice import find_einvoice
from split_service.pdf_split import open_pdf, split_pages

logger = logging.getLogger(__name__)


def store_einvoice(
    reader: PdfReader, upload: UploadResult, store: ArtifactStore, max_bytes: int
) -> str | None:
    """Store the e-invoice XML the PDF carries, if any, and return its key."""
    search = find_einvoice(reader, max_bytes)
    for reason in search.skipped:
        logger.warning("invoice %s: e-invoice ignored: %s", upload.invoice_id, reason)
    if search.found is None:
        return None
    key = einvoice_key(upload.sha256)
    if not store.exists(key):
        store.put_bytes(key, search.found.data)
    logger.info(
        "invoice %s: e-invoice %r (%d bytes) stored at %s",
        upload.invoice_id,
        search.found.name,
        len(search.found.data),
        key,
    )
    return key


def split_pdf(upload: UploadResult, settings: Settings) -> SplitResult:
    """Write each page of the stored PDF as its own PDF and describe every page."""
    store = ArtifactStore(settings.artifact_dir)
    try:
        data = store.read_bytes(upload.blob_key)
    except ArtifactKeyError as exc:
        raise ServiceError(422, "invalid_key", str(exc)) from exc
    except FileNotFoundError as exc:
        raise ServiceError(404, "blob_not_found", f"no stored PDF at {upload.blob_key}") from exc
    # Page keys derive from the hash: a caller's wrong hash must not plant these pages
    # under another document's key.
    if upload.blob_key != blob_key(upload.sha256) or sha256_hex(data) != upload.sha256:
        raise ServiceError(422, "hash_mismatch", f"{upload.blob_key} does not hold {upload.sha256}")
    reader = open_pdf(data, settings.max_pages)
    count = len(reader.pages)
    embedded_key = store_einvoice(reader, upload, store, settings.max_einvoice_bytes)
    pages: list[PageMetadata] = []
    for page in split_pages(reader):
        key = page_key(upload.sha256, page.page_number)
        # Keys are content-addressed: a page written by an earlier attempt is the same page.
        if not store.exists(key):
            store.put_bytes(key, page.pdf)
        pages.append(
            PageMetadata(
                invoice_id=upload.invoice_id,
                source_sha256=upload.sha256,
                page_number=page.page_number,
                page_count=count,
                blob_key=key,
                width_pt=page.width_pt,
                height_pt=page.height_pt,
                rotation=page.rotation,
                has_text_layer=page.has_text_layer,
                # The e-invoice describes the whole document: one copy, on page 1.
                embedded_invoice_key=embedded_key if page.page_number == 1 else None,
            )
        )
    return SplitResult(
        invoice_id=upload.invoice_id, source_sha256=upload.sha256, page_count=count, pages=pages
    )
