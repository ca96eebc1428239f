"""Nobody in without a token, at each layer of the real stack:
- the host's public API wants INVOICE_API_KEY (X-API-Key or Bearer), health excepted;
- each service takes calls only from its own sidecar (APP_API_TOKEN);
- each sidecar takes calls only from its own app (DAPR_API_TOKEN), on HTTP and gRPC.
"""

from __future__ import annotations

import os

import httpx
import pytest

from invoice_shared.dapr_names import (
    AGGREGATE_APP_ID,
    EXTRACT_APP_ID,
    SPLIT_APP_ID,
    UPLOAD_APP_ID,
    WORKFLOW_APP_ID,
)

from .helpers import run_cli
from .stack import RunningStack

SERVICES = (UPLOAD_APP_ID, SPLIT_APP_ID, EXTRACT_APP_ID, AGGREGATE_APP_ID)
ALL_APPS = (*SERVICES, WORKFLOW_APP_ID)


def _get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=10)


def test_the_public_api_refuses_requests_without_a_valid_key(stack: RunningStack):
    url = f"{stack.api_url}/api/workflows?limit=1"
    missing = _get(url)
    assert missing.status_code == 401
    assert missing.json()["error"] == "unauthorized"
    assert "X-API-Key" in missing.json()["message"]
    assert missing.headers["www-authenticate"] == "Bearer"
    assert _get(url, **{"X-API-Key": "not-the-key-0123456789"}).status_code == 401
    assert _get(url, Authorization="Bearer not-the-key-0123456789").status_code == 401
    # A service's or a sidecar's token is not an API key.
    assert _get(url, **{"X-API-Key": stack.tokens.app_tokens[UPLOAD_APP_ID]}).status_code == 401
    wrong_dapr = {"X-API-Key": stack.tokens.dapr_tokens[WORKFLOW_APP_ID]}
    assert _get(url, **wrong_dapr).status_code == 401


def test_the_stacks_key_is_generated_for_it(stack: RunningStack):
    # Not the throwaway key unit tests put in this process's environment.
    assert stack.tokens.api_key != os.environ.get("INVOICE_API_KEY")
    assert len(stack.tokens.api_key) >= 43  # 32 random bytes, URL-safe base64


def test_service_invocation_is_no_way_around_the_api_key(stack: RunningStack):
    # The host's sidecar hands a forwarded call the host's APP_API_TOKEN: that token
    # opens Dapr's callbacks only, so the caller still needs the key.
    token = {"dapr-api-token": stack.tokens.dapr_tokens[UPLOAD_APP_ID]}
    invoke = (
        f"{stack.sidecar_urls[UPLOAD_APP_ID]}/v1.0/invoke/{WORKFLOW_APP_ID}/method/api/workflows"
    )
    assert _get(invoke, **token).status_code == 401
    assert _get(invoke, **token, **{"X-API-Key": stack.tokens.api_key}).status_code == 200


def test_the_public_api_takes_the_key_in_either_header(stack: RunningStack):
    url = f"{stack.api_url}/api/workflows?limit=1"
    assert _get(url, **{"X-API-Key": stack.tokens.api_key}).status_code == 200
    assert _get(url, Authorization=f"Bearer {stack.tokens.api_key}").status_code == 200


def test_health_probes_and_the_api_description_stay_open(stack: RunningStack):
    for path in ("/healthz", "/readyz", "/openapi.json"):
        assert _get(f"{stack.api_url}{path}").status_code == 200, path
    schemes = _get(f"{stack.api_url}/openapi.json").json()["components"]["securitySchemes"]
    assert {"APIKeyHeader", "HTTPBearer"} <= set(schemes)


@pytest.mark.parametrize("app_id", SERVICES)
def test_a_service_refuses_calls_that_bypass_its_sidecar(stack: RunningStack, app_id: str):
    app = stack.app_urls[app_id]
    # Any route: the token is checked before routing (and /stats exists on extract).
    for headers in ({}, {"dapr-api-token": "forged-token-0123456789"}):
        refused = httpx.post(f"{app}/anything", json={}, headers=headers, timeout=10)
        assert refused.status_code == 401, (app_id, headers)
        assert "sidecar" in refused.json()["message"]
    # Another app's token opens nothing here.
    other = next(a for a in ALL_APPS if a != app_id)
    assert (
        _get(
            f"{app}/openapi.json", **{"dapr-api-token": stack.tokens.app_tokens[other]}
        ).status_code
        == 401
    )
    # Its own sidecar's token does: the request reaches routing (404, not 401).
    own = {"dapr-api-token": stack.tokens.app_tokens[app_id]}
    assert _get(f"{app}/no-such-route", **own).status_code == 404
    assert _get(f"{app}/healthz").status_code == 200


@pytest.mark.parametrize("app_id", ALL_APPS)
def test_a_sidecar_refuses_callers_without_its_apps_token(stack: RunningStack, app_id: str):
    sidecar = stack.sidecar_urls[app_id]
    metadata = f"{sidecar}/v1.0/metadata"
    assert _get(metadata).status_code == 401
    other = next(a for a in ALL_APPS if a != app_id)
    assert _get(metadata, **{"dapr-api-token": stack.tokens.dapr_tokens[other]}).status_code == 401
    assert _get(metadata, **{"dapr-api-token": stack.tokens.dapr_tokens[app_id]}).status_code == 200
    # Invoking a service through it needs the token too.
    invoke = f"{sidecar}/v1.0/invoke/{EXTRACT_APP_ID}/method/stats"
    assert _get(invoke).status_code == 401
    assert _get(invoke, **{"dapr-api-token": stack.tokens.dapr_tokens[app_id]}).status_code == 200
    assert _get(f"{sidecar}/v1.0/healthz").status_code == 204  # probes stay open


@pytest.mark.self_hosted  # the stock CLI reads the sidecar's flags from this machine's processes
def test_the_dapr_cli_needs_the_host_sidecars_token_over_grpc(stack: RunningStack):
    # `run` goes through the sidecar's gRPC API.
    start = ("run", "invoice_workflow", "-a", WORKFLOW_APP_ID, "-i", "TOKENLESS-1", "-x", "{}")
    refused = run_cli(stack, *start, token=None)
    assert refused.returncode != 0
    assert "code = Unauthenticated" in refused.stdout + refused.stderr
    wrong = run_cli(stack, *start, token="not-the-token-0123456789")
    assert wrong.returncode != 0
    assert "code = Unauthenticated" in wrong.stdout + wrong.stderr
    with stack.client() as client:
        assert client.get("/api/workflows/TOKENLESS-1").status_code == 404
