"""Settings of the workflow host, from the environment."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    dapr_host: str = Field(default="127.0.0.1", description="Where this app's sidecar listens.")
    dapr_http_port: int = Field(default=3500, description="Sidecar HTTP port (invoke, state).")
    dapr_grpc_port: int = Field(default=50001, description="Sidecar gRPC port (workflows).")
    dapr_api_token: str | None = Field(default=None, description="Sent as dapr-api-token.")
    page_batch_size: int = Field(default=2, ge=1, le=100, description="Pages per child workflow.")
    max_direct_pages: int = Field(
        default=2, ge=1, description="Up to this many pages are extracted without children."
    )
    service_timeout_seconds: float = Field(
        default=60.0, gt=0, description="Bound on one service invocation from an activity."
    )
    extraction_ttl_seconds: int = Field(
        default=30 * 24 * 3600, description="How long page extractions stay in the state store."
    )
    activity_workers: int = Field(
        default=16, ge=1, description="Threads running activities (they mostly wait on I/O)."
    )
    sidecar_wait_seconds: float = Field(default=120.0, description="Wait for the sidecar at start.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
