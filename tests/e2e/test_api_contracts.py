"""Each app of the running stack answers as its published OpenAPI document says:
Schemathesis (every phase and check, a fixed seed) against the host, the four
services and the console, over HTTP, with the credentials a real caller has. Zero
failures allowed.

The in-process runs (tests/unit/test_api_contracts_schemathesis.py,
tests/unit/test_console_contract.py) cover the same operations with more examples; this
one checks the real stack: sidecars, runtime and stores behind the host, each service as
its sidecar calls it, and the console in front of the real host."""

from __future__ import annotations

import httpx
import pytest
from unit.contract_harness import check_live_contract

from console_app.routes import COOKIE
from invoice_shared.auth import API_KEY_HEADER
from invoice_shared.dapr_names import SERVICE_APP_IDS, WORKFLOW_APP_ID

from .stack import RunningStack

# It starts workflows from generated inputs (which fail, as they should) and purges and
# terminates what it finds: after the tests that count or list what they started.
pytestmark = pytest.mark.disruptive

EXAMPLES = 8  # per operation: the five apps within about two minutes, then the console
# A status read may wait for the instance's end (`wait_seconds`, up to 60).
MAX_RESPONSE_SECONDS = 75.0


@pytest.mark.parametrize("app_id", [WORKFLOW_APP_ID, *SERVICE_APP_IDS])
def test_the_running_app_keeps_its_published_contract(stack: RunningStack, app_id: str):
    if app_id == WORKFLOW_APP_ID:
        headers = {API_KEY_HEADER: stack.tokens.api_key}
    else:  # what the service's sidecar presents
        headers = {"dapr-api-token": stack.tokens.app_tokens[app_id]}
    run = check_live_contract(
        stack.app_urls[app_id],
        headers=headers,
        max_examples=EXAMPLES,
        max_response_seconds=MAX_RESPONSE_SECONDS,
    )
    print(f"\n{app_id}: {run.summary()}, phases {run.phases}")
    assert run.cases > 0
    assert not run.problems, "\n\n".join(run.problems)


def test_the_running_console_keeps_its_published_contract(stack: RunningStack):
    # Signed in as a person is, through the form; the session's CSRF token is not given,
    # so every form post meets its documented 403 (the session stays open).
    with httpx.Client(base_url=stack.console_url, timeout=30) as browser:
        signed_in = browser.post("/signin", data={"api_key": stack.tokens.api_key})
        assert signed_in.status_code == 303, signed_in.text
        session = signed_in.cookies[COOKIE]
    run = check_live_contract(
        stack.console_url,
        headers={},
        cookies={COOKIE: session},
        max_examples=EXAMPLES,
        max_response_seconds=MAX_RESPONSE_SECONDS,
    )
    print(f"\nconsole: {run.summary()}, phases {run.phases}")
    assert run.cases > 0
    assert not run.problems, "\n\n".join(run.problems)
