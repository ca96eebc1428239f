"""Settings of the extract service, from the environment."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    artifact_dir: Path = Field(default=Path("_artifacts"), description="Artifact store root.")
    max_stream_bytes: int = Field(
        default=20 * 1024 * 1024, description="Most bytes one page stream may decompress to."
    )
    extraction_workers: int = Field(
        default=4, ge=1, description="Worker processes extracting page text in parallel."
    )
    page_timeout_seconds: float = Field(
        default=20.0, gt=0, description="Longest a page's text extraction may take."
    )
    ocr_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Longest reading a scanned page (OCR) may take; a page takes a few seconds.",
    )
