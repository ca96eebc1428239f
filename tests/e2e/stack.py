"""What the end-to-end tests know of a stack: where to reach it, with which credentials,
and (for a stack the session owns) how to kill, restart and freeze its processes.

Tests talk to this interface only. The process supervisor implements it today
(`supervised.py`); any other way of running the stack (compose, replicas) implements the
same, so the same invoice, lifecycle, token and fault tests run against each.
Processes are named as in the topology: an app id, `<app id>-dapr` for its sidecar,
`redis`, `placement`, `scheduler`.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest

from invoice_shared.auth import api_key_headers
from invoice_shared.dapr_names import TERMINAL_STATUSES, WORKFLOW_APP_ID
from invoice_stack.tokens import StackTokens

# How long a read waits out a sidecar that restarts under it (a heal's restart takes a
# few seconds; the supervisor's checks notice a dead one within 10).
READ_RETRY_PATIENCE_SECONDS = 60.0


def sidecar_of(app_id: str) -> str:
    """The process name of an app's sidecar."""
    return f"{app_id}-dapr"


class StackProcesses(Protocol):
    """Control over the named processes of a stack this session owns."""

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send `sig`; the process stays down until `restart`."""

    def restart(self, name: str, env: Mapping[str, str] | None = None) -> None:
        """Stop it if it runs, start it again (with `env` added: a new deployment, until
        the next restart) and wait until it is healthy."""

    def freeze(self, name: str) -> None:
        """Stop it answering without closing its sockets (SIGSTOP)."""

    def thaw(self, name: str) -> None: ...

    def failures(self) -> list[tuple[str, int]]:
        """(name, exit code) of every process that died by itself, restarted or not."""
        ...

    def log_text(self, name: str) -> str: ...


class ReadsRetriedOn503(httpx.HTTPTransport):
    """GETs answered 503 with a Retry-After header are sent again after it, for up to
    `patience` seconds; then the 503 is the answer. Writes are never repeated here: a
    test that starts an invoice handles a 503 itself (the start may have landed)."""

    def __init__(self, patience: float = READ_RETRY_PATIENCE_SECONDS) -> None:
        super().__init__()
        self.patience = patience

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self.patience
        while True:
            response = super().handle_request(request)
            wait = response.headers.get("Retry-After")
            if request.method != "GET" or response.status_code != 503 or wait is None:
                return response
            if time.monotonic() + float(wait) > deadline:
                return response
            response.read()
            response.close()
            time.sleep(float(wait))


@dataclass
class RunningStack:
    api_url: str
    console_url: str  # the operator's console
    host_metrics: str  # the workflow host's sidecar's Prometheus endpoint
    app_urls: dict[str, str]  # app id -> the app's own HTTP URL
    sidecar_urls: dict[str, str]  # app id -> its sidecar's HTTP URL
    tokens: StackTokens
    source_dir: Path  # the upload service's SOURCE_BASE_DIR
    artifact_dir: Path
    dapr_cli: Path  # the stock `dapr` CLI
    redis_url: str  # for `dapr workflow list -c`
    host_sidecar_grpc: str  # host:port of the workflow host's sidecar's gRPC API
    jaeger_url: str | None  # Jaeger's query API, when the stack runs Jaeger
    prometheus_url: str | None
    read_log: Callable[[str], str]
    processes: StackProcesses | None  # None: a stack started elsewhere, not ours to break

    @property
    def host_sidecar(self) -> str:
        """The workflow host's sidecar (HTTP)."""
        return self.sidecar_urls[WORKFLOW_APP_ID]

    @property
    def inputs(self) -> Path:
        """Where tests put their PDFs: a folder of their own under the source dir."""
        folder = self.source_dir / "e2e-tests"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def owned(self, why: str) -> StackProcesses:
        """The process controls, or skip: `why` the test needs a stack of its own."""
        if self.processes is None:
            pytest.skip(f"{why}: needs a stack of the test session's own")
        return self.processes

    def wait_for_end(self, instance_id: str, timeout: float = 180.0) -> dict[str, Any]:
        """Poll until the workflow is COMPLETED, FAILED or TERMINATED; a process of the
        stack that dies meanwhile fails the test at once, with its log."""
        deadline = time.monotonic() + timeout
        with self.client() as client:
            while True:
                self._fail_if_a_process_died()
                response = client.get(f"/api/workflows/{instance_id}")
                assert response.status_code == 200, response.text
                view: dict[str, Any] = response.json()
                if view["status"] in TERMINAL_STATUSES:
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
        if self.processes is None:
            return
        for name, code in self.processes.failures():
            tail = "\n".join(self.read_log(name).splitlines()[-25:])
            pytest.fail(f"{name} exited with code {code}:\n{tail}")

    def log_lines(self, name: str, *needles: str) -> list[str]:
        """Lines of a process's log containing every needle."""
        lines = self.read_log(name).splitlines()
        return [line for line in lines if all(n in line for n in needles)]

    def client(self, timeout: float = 15.0) -> httpx.Client:
        """The public API, with the stack's API key. Reads answered 503 with Retry-After
        (a sidecar restarting under them) are retried as told, as a careful client does."""
        return httpx.Client(
            base_url=self.api_url,
            timeout=timeout,
            headers=api_key_headers(self.tokens.api_key),
            transport=ReadsRetriedOn503(),
        )

    def sidecar_client(self, timeout: float = 15.0) -> httpx.Client:
        """The workflow host's sidecar, with the token it demands of its app."""
        token = self.tokens.dapr_tokens[WORKFLOW_APP_ID]
        return httpx.Client(
            base_url=self.host_sidecar, timeout=timeout, headers={"dapr-api-token": token}
        )
