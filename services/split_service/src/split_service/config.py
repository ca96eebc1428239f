"""Settings of the split service, from the environment."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    artifact_dir: Path = Field(default=Path("_artifacts"), description="Artifact store root.")
    max_pages: int = Field(default=2000, description="Most pages one invoice may have.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
