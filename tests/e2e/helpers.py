"""Helpers for end-to-end tests: the running stack and polling a workflow."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoice_gen import generate_invoice
from invoice_shared.auth import api_key_headers
from invoice_shared.dapr_names import TERMINAL_STATUSES as TERMINAL
from invoice_stack.ports import StackPorts
from invoice_stack.supervisor import Stack, tail
from invoice_stack.tokens import StackTokens


@dataclass
class RunningStack:
    api_url: str
    source_dir: Path
    log_dir: Path
    bin_dir: Path
    redis_port: int
    host_sidecar: str  # http://127.0.0.1:<port> of the workflow host's daprd
    host_metrics: str  # its Prometheus endpoint
    stack: Stack | None  # None when reusing a stack this session did not start
    tokens: StackTokens
    ports: StackPorts

    @property
    def inputs(self) -> Path:
        """Where tests put their PDFs: a folder of their own under the source dir."""
        folder = self.source_dir / "e2e-tests"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def wait_for_end(self, instance_id: str, timeout: float = 180.0) -> dict:  # type: ignore[type-arg]
        """Poll until the workflow is COMPLETED, FAILED or TERMINATED; a process of the
        stack that dies meanwhile fails the test at once, with its log."""
        deadline = time.monotonic() + timeout
        with self.client() as client:
            while True:
                self._fail_if_a_process_died()
                response = client.get(f"/api/workflows/{instance_id}")
                assert response.status_code == 200, response.text
                view = response.json()
                if view["status"] in TERMINAL:
                    return view
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"{instance_id} still {view['status']} ({view['stage']}) after {timeout} s"
                    )
                time.sleep(0.25)

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Wait until the host answers /readyz 200 (after a restart, say)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.api_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the host did not become ready"
            time.sleep(0.25)

    def _fail_if_a_process_died(self) -> None:
        """A crash fails the test at once, even one the supervisor has restarted."""
        if self.stack is None:
            return
        for name, code in [*self.stack.exited().items(), *self.stack.crashes]:
            pytest.fail(f"{name} exited with code {code}:\n{tail(self.stack.log_path(name))}")

    def log_lines(self, app: str, *needles: str) -> list[str]:
        """Lines of an app's log containing every needle."""
        text = (self.log_dir / f"{app}.log").read_text(errors="replace")
        return [line for line in text.splitlines() if all(n in line for n in needles)]

    def client(self, timeout: float = 15.0) -> httpx.Client:
        """The public API, with the stack's API key."""
        return httpx.Client(
            base_url=self.api_url, timeout=timeout, headers=api_key_headers(self.tokens.api_key)
        )

    def sidecar_client(self, timeout: float = 15.0) -> httpx.Client:
        """The workflow host's sidecar, with the token it demands of its app."""
        token = self.tokens.dapr_tokens["workflow-app"]
        return httpx.Client(
            base_url=self.host_sidecar, timeout=timeout, headers={"dapr-api-token": token}
        )


def unique_id(prefix: str) -> str:
    return f"{prefix}-{time.time_ns()}"


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
    with stack.client(timeout=45) as client:
        while (status := client.post("/api/workflows/invoice", json=body).status_code) == 503:
            assert time.monotonic() < deadline, f"the host kept answering 503 for {patience} s"
            time.sleep(0.5)
    assert status == 202, status
    truths[invoice_id] = generated.truth
    return invoice_id


def assert_results_match(
    stack: RunningStack, outcomes: dict[str, dict[str, Any]], truths: dict[str, Any]
) -> None:
    """Each invoice completed once (one instance each) with exactly its ground truth."""
    failed = {
        i: (v["status"], v["error"]) for i, v in outcomes.items() if v["status"] != "COMPLETED"
    }
    assert not failed, failed
    with stack.client() as client:  # one instance per invoice, none added by a retry
        listed = client.get("/api/workflows", params={"limit": 1000}).json()
    assert sorted(i["instance_id"] for i in listed if i["instance_id"] in truths) == sorted(truths)
    for invoice_id, view in outcomes.items():
        truth = truths[invoice_id].model_dump(mode="json")
        for field, expected in truth.items():
            assert view["result"][field] == expected, (invoice_id, field)


def wait_for(stack: RunningStack, invoice_id: str, **expected: str) -> dict:  # type: ignore[type-arg]
    """Poll until the instance's view has every `expected` value."""
    deadline = time.monotonic() + 60
    with stack.client() as client:
        while True:
            view = client.get(f"/api/workflows/{invoice_id}").json()
            if all(view.get(k) == v for k, v in expected.items()):
                return view
            assert time.monotonic() < deadline, f"{invoice_id} never reached {expected}: {view}"
            time.sleep(0.2)
