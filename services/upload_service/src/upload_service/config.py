"""Settings of the upload service, from the environment."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings

from invoice_shared import policy


class Settings(BaseSettings):
    source_base_dir: Path = Field(
        default=Path("data"), description="Root that every pdf_path is resolved under."
    )
    artifact_dir: Path = Field(default=Path("_artifacts"), description="Artifact store root.")
    max_pdf_bytes: int = Field(default=policy.MAX_PDF_BYTES, description="Largest PDF accepted.")
    url_timeout_seconds: float = Field(default=20.0, description="Bound on a pdf_url download.")
    allow_loopback_urls: bool = Field(
        default=False, description="Allow pdf_url on 127.0.0.0/8 and ::1 (tests need it)."
    )
    allow_private_urls: bool = Field(
        default=False, description="Allow pdf_url on private networks (10/8, 192.168/16, ...)."
    )
