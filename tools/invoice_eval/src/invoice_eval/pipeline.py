"""One PDF through the services' own code, in process: split into pages, extract each
page (the extract service's worker pool, as in production), aggregate."""

from __future__ import annotations

import tempfile
from pathlib import Path

from aggregate_service.merge import aggregate
from extract_service.config import Settings as ExtractSettings
from extract_service.extract import extract_page
from invoice_shared.artifacts import ArtifactStore, blob_key, sha256_hex
from invoice_shared.models import AggregatedInvoice, UploadResult
from split_service.config import Settings as SplitSettings
from split_service.split import split_pdf

EVAL_ID = "eval"


def extract_invoice(pdf: bytes, workdir: Path | None = None) -> AggregatedInvoice:
    """What the system answers for `pdf`; raises ServiceError when it refuses it."""
    with tempfile.TemporaryDirectory(dir=workdir) as root:
        store = ArtifactStore(Path(root))
        digest = sha256_hex(pdf)
        store.put_bytes(blob_key(digest), pdf)
        upload = UploadResult(
            invoice_id=EVAL_ID,
            source="eval",
            blob_key=blob_key(digest),
            sha256=digest,
            size_bytes=len(pdf),
        )
        split = split_pdf(upload, SplitSettings(artifact_dir=Path(root)))
        settings = ExtractSettings(artifact_dir=Path(root))
        pages = [extract_page(page, settings) for page in split.pages]
        return aggregate(EVAL_ID, pages)
