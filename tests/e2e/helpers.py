"""Helpers for end-to-end tests: starting invoices, waiting on them, checking results,
and the stock `dapr` CLI. The stack itself is `stack.RunningStack`."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime
from typing import Any

from invoice_gen import generate_invoice
from invoice_shared.dapr_names import TERMINAL_STATUSES, WORKFLOW_APP_ID
from invoice_stack.load.checks import EVIDENCE

from .stack import RunningStack


def unique_id(prefix: str) -> str:
    return f"{prefix}-{time.time_ns()}"


def moment(text: str) -> datetime:
    """A time from an answer, which states its offset (RFC 3339): compared as a time,
    since "...:56Z" sorts after "...:56.5Z" as text."""
    parsed = datetime.fromisoformat(text)
    assert parsed.utcoffset() is not None, f"{text!r} has no offset"
    return parsed


def start_generated(
    stack: RunningStack,
    n: int,
    truths: dict[str, Any],
    prefix: str,
    patience: float = 180,
    pages: int | None = None,
) -> str:
    """Start generated invoice `n` (5-12 pages unless told) as a client must: right after a
    restart the host may answer 503 "retry" for a while. Records its ground truth."""
    invoice_id = unique_id(f"{prefix}{n}")
    pages = pages or 5 + n % 8
    generated = generate_invoice(seed=500 + n, pages=pages, invoice_id=invoice_id)
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(generated.pdf)
    body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
    deadline = time.monotonic() + patience
    retried = False
    with stack.client(timeout=45) as client:
        while (status := client.post("/api/workflows/invoice", json=body).status_code) == 503:
            assert time.monotonic() < deadline, f"the host kept answering 503 for {patience} s"
            retried = True
            time.sleep(0.5)
        # A 503 can cross a start that landed after all: the retry then finds it (409).
        if status == 409 and retried:
            assert client.get(f"/api/workflows/{invoice_id}").status_code == 200
            status = 202
    assert status == 202, status
    truths[invoice_id] = generated.truth
    return invoice_id


def unfinished_count(stack: RunningStack, ids: list[str]) -> int:
    """How many of these invoices have not finished. An accepted invoice the engine has
    not run yet can still answer 404 (nothing stored yet): that is unfinished too."""
    count = 0
    with stack.client() as client:
        for invoice_id in ids:
            response = client.get(f"/api/workflows/{invoice_id}")
            if response.status_code == 404 or response.json()["status"] not in TERMINAL_STATUSES:
                count += 1
    return count


def assert_results_match(
    stack: RunningStack, outcomes: dict[str, dict[str, Any]], truths: dict[str, Any]
) -> None:
    """Each invoice completed once (one instance each) with exactly its ground truth."""
    failed = {
        i: (v["status"], v["error"]) for i, v in outcomes.items() if v["status"] != "COMPLETED"
    }
    assert not failed, failed
    with stack.client() as client:  # one instance per invoice, none added by a retry
        answer = client.get("/api/workflows", params={"limit": 1000})
    assert answer.status_code == 200, answer.text
    listed = answer.json()
    assert sorted(i["instance_id"] for i in listed if i["instance_id"] in truths) == sorted(truths)
    for invoice_id, view in outcomes.items():
        truth = truths[invoice_id].model_dump(mode="json", exclude=EVIDENCE)
        for field, expected in truth.items():
            assert view["result"][field] == expected, (invoice_id, field)


def wait_for(stack: RunningStack, invoice_id: str, **expected: str) -> dict:
    """Poll until the instance's view has every `expected` value."""
    deadline = time.monotonic() + 60
    with stack.client() as client:
        while True:
            view = client.get(f"/api/workflows/{invoice_id}").json()
            if all(view.get(k) == v for k, v in expected.items()):
                return view
            assert time.monotonic() < deadline, f"{invoice_id} never reached {expected}: {view}"
            time.sleep(0.2)


def run_cli(stack: RunningStack, *args: str, token: str | None) -> subprocess.CompletedProcess[str]:
    """`dapr workflow <args>` with `token` as its DAPR_API_TOKEN (None: no token)."""
    env = {k: v for k, v in os.environ.items() if k != "DAPR_API_TOKEN"}
    if token is not None:
        env["DAPR_API_TOKEN"] = token  # what the CLI sends as dapr-api-token
    return subprocess.run(
        [str(stack.dapr_cli), "workflow", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def dapr(stack: RunningStack, *args: str) -> str:
    """Run the CLI as its user does, with the host sidecar's token exported; a non-zero
    exit fails the test with what it printed."""
    done = run_cli(stack, *args, token=stack.tokens.dapr_tokens[WORKFLOW_APP_ID])
    assert done.returncode == 0, f"dapr workflow {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout
