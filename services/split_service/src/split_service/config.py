"""Settings of the split service, from the environment."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    artifact_dir: Path = Field(default=Path("_artifacts"), description="Artifact store root.")
    max_pages: int = Field(default=2000, description="Most pages one invoice may have.")
    max_einvoice_bytes: int = Field(
        default=5 * 1024 * 1024,
        gt=0,
        description="Largest embedded e-invoice XML kept; a bigger one is ignored.",
    )
