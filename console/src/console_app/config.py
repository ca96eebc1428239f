"""Settings of the console, from the environment (CONSOLE_*)."""

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_")

    host_api_url: str = Field(
        default="http://127.0.0.1:8080", description="The workflow host's public REST API."
    )
    session_hours: float = Field(default=8.0, gt=0, description="How long a sign-in lasts.")
    secure_cookie: bool = Field(
        default=False, description="Mark the session cookie Secure (set when served over HTTPS)."
    )
    refresh_seconds: float = Field(
        default=3.0, gt=0, description="How often open pages poll for changes."
    )
    page_size: int = Field(default=20, ge=1, le=200, description="Invoices per page.")
    host_timeout_seconds: float = Field(default=15.0, gt=0, description="Bound on one API call.")
    jaeger_url: str | None = Field(
        default=None,
        description="Jaeger's query API (e.g. http://127.0.0.1:16686); unset: no traces shown.",
    )
    prometheus_url: str | None = Field(
        default=None,
        description="Prometheus's HTTP API (e.g. http://127.0.0.1:9090); unset: no charts.",
    )
    telemetry_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Bound on one call to Jaeger or Prometheus: a page waits at most this.",
    )

    @field_validator("jaeger_url", "prometheus_url")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        # A launcher may export the variable empty to mean "not running here".
        if value is None or not value.strip():
            return None
        return value.strip().rstrip("/")
