"""Who may call an app: the pure rule, the middleware on a real service app, the
refusal to start without secrets, and the stack's generated tokens."""

from __future__ import annotations

import asyncio
import shlex
import stat
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from invoice_shared.auth import (
    AppTokenSettings,
    MissingSecretError,
    load_secret,
    refusal,
)
from invoice_stack.tokens import StackTokens, read_tokens
from split_service.main import create_app as create_split_app

TOKEN = "sidecar-token-0123456789"
KEY = "public-api-key-0123456789"


@pytest.mark.parametrize(
    ("path", "headers", "api_key", "allowed"),
    [
        ("/healthz", {}, None, True),
        ("/extract", {}, None, False),
        ("/extract", {"dapr-api-token": TOKEN}, None, True),
        ("/extract", {"dapr-api-token": TOKEN + "x"}, None, False),
        ("/extract", {"x-api-key": KEY}, None, False),  # a service has no API key
        ("/api/workflows", {}, KEY, False),
        ("/api/workflows", {"x-api-key": KEY}, KEY, True),
        ("/api/workflows", {"authorization": f"Bearer {KEY}"}, KEY, True),
        ("/api/workflows", {"authorization": f"bearer {KEY}"}, KEY, True),
        ("/api/workflows", {"authorization": f"Basic {KEY}"}, KEY, False),
        ("/api/workflows", {"authorization": "Bearer "}, KEY, False),
        ("/api/workflows", {"x-api-key": KEY[:-1]}, KEY, False),
        ("/api/workflows", {"x-api-key": ""}, KEY, False),
        ("/dapr/config", {"dapr-api-token": TOKEN}, KEY, True),  # the host's sidecar
        # Service invocation forwards the sidecar's token: not a way into the API.
        ("/api/workflows", {"dapr-api-token": TOKEN}, KEY, False),
        ("/api/workflows", {"dapr-api-token": TOKEN, "x-api-key": KEY}, KEY, True),
        ("/healthz/", {}, None, False),
        ("/openapi.json/", {}, KEY, False),
    ],
)
def test_refusal(path: str, headers: dict[str, str], api_key: str | None, allowed: bool):
    assert (refusal(path, headers, TOKEN, api_key) is None) is allowed


def test_a_service_app_checks_the_token_before_anything_else():
    app = create_split_app(app_token=SecretStr(TOKEN))

    async def calls() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            return [
                await client.post("/split", json={}),
                await client.post("/split", json={}, headers={"dapr-api-token": TOKEN}),
                await client.get("/healthz"),
            ]

    refused, validated, health = asyncio.run(calls())
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorized"
    # With the token the request reaches validation: 422 says what is wrong with it.
    assert validated.status_code == 422
    assert health.status_code == 200


@pytest.mark.parametrize("value", [None, "", "short"])
def test_an_app_will_not_start_without_a_real_secret(
    monkeypatch: pytest.MonkeyPatch, value: str | None
):
    if value is None:
        monkeypatch.delenv("APP_API_TOKEN", raising=False)
    else:
        monkeypatch.setenv("APP_API_TOKEN", value)
    with pytest.raises(MissingSecretError, match="APP_API_TOKEN must be set"):
        load_secret(AppTokenSettings, "APP_API_TOKEN")


def test_stack_tokens_are_distinct_private_and_reused(tmp_path: Path):
    apps = ["workflow-app", "upload-service"]
    tokens = StackTokens.load_or_create(tmp_path, apps)
    secrets = [tokens.api_key, *tokens.app_tokens.values(), *tokens.dapr_tokens.values()]
    assert len(set(secrets)) == 5 and all(len(s) >= 32 for s in secrets)
    for name in ("tokens.json", "cli.env"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert StackTokens.load_or_create(tmp_path, apps) == tokens  # a restart keeps them
    assert read_tokens(tmp_path) == tokens
    # A key chosen by the user replaces the generated one; the rest stays.
    chosen = StackTokens.load_or_create(tmp_path, apps, api_key=KEY)
    assert chosen.api_key == KEY
    assert (chosen.app_tokens, chosen.dapr_tokens) == (tokens.app_tokens, tokens.dapr_tokens)
    assert read_tokens(tmp_path) == chosen


def test_the_cli_env_exports_the_host_sidecars_token():
    tokens = StackTokens.generate(["workflow-app", "upload-service"])
    env = tokens.cli_env()
    assert f"export DAPR_API_TOKEN={shlex.quote(tokens.dapr_tokens['workflow-app'])}\n" in env
    assert f"export INVOICE_API_KEY={shlex.quote(tokens.api_key)}\n" in env
    quoted = StackTokens("key with spaces $(rm -rf /)", tokens.app_tokens, tokens.dapr_tokens)
    assert "export INVOICE_API_KEY='key with spaces $(rm -rf /)'\n" in quoted.cli_env()
