"""The real stack for end-to-end tests: Redis, placement, scheduler, every service
and every sidecar, on free loopback ports, owned by this session.

Set E2E_REUSE_STACK=1 to run against a stack already started with `make up`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_stack.layout import dapr_bin_dir, find_repo
from invoice_stack.ports import StackPorts, free_ports
from invoice_stack.supervisor import Stack, ports_from_state, read_state
from invoice_stack.tokens import StackTokens, read_tokens
from invoice_stack.topology import StackLayout

from .helpers import RunningStack

# Approval by amount off (generated totals vary), on for warnings (the inconsistent
# invoice has one), and a timeout short enough to watch it fire.
APPROVAL_TIMEOUT_SECONDS = 10
MAX_UPLOAD_BYTES = 300_000
MAX_PDF_BYTES = 3_000_000
# The system-wide cap on concurrent extractions this stack runs with.
EXTRACT_CONCURRENCY_LIMIT = 3
E2E_APP_ENV = {
    "APPROVAL_THRESHOLD": "",
    "APPROVAL_ON_WARNINGS": "true",
    "APPROVAL_TIMEOUT_SECONDS": str(APPROVAL_TIMEOUT_SECONDS),
    # Small enough to test the limit without sending 50 MiB.
    "MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
    "MAX_PDF_BYTES": str(MAX_PDF_BYTES),
    # The URL tests serve PDFs from this machine; refusing loopback is unit-tested.
    "ALLOW_LOOPBACK_URLS": "true",
}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    repo = find_repo(Path(__file__).parent)
    if os.environ.get("E2E_REUSE_STACK") == "1":
        state = read_state(repo / ".run")
        if state is None:
            pytest.fail("E2E_REUSE_STACK=1 but no stack is running (make up)")
        ports = ports_from_state(state)
        yield RunningStack(
            api_url=f"http://127.0.0.1:{ports.apps['workflow-app'].app}",
            source_dir=Path(state["layout"]["source_dir"]),
            log_dir=Path(state["layout"]["run_dir"]) / "logs",
            bin_dir=Path(state["layout"]["bin_dir"]),
            redis_port=ports.redis,
            **_host_urls(ports),
            stack=None,
            tokens=_stored_tokens(repo / ".run"),
            ports=ports,
        )
        return
    _refuse_a_second_stack()
    run_dir = tmp_path_factory.mktemp("stack")
    layout = StackLayout(
        repo=repo, bin_dir=dapr_bin_dir(repo), run_dir=run_dir, source_dir=run_dir / "source"
    )
    ports = free_ports()
    running = Stack(
        layout,
        ports,
        app_env=E2E_APP_ENV,
        die_with_parent=True,
        extract_limit=EXTRACT_CONCURRENCY_LIMIT,
    )
    running.start()
    try:
        yield RunningStack(
            running.api_url(),
            layout.source_dir,
            layout.log_dir,
            layout.bin_dir,
            ports.redis,
            stack=running,
            **_host_urls(ports),
            tokens=running.tokens,
            ports=ports,
        )
    finally:
        running.stop()


def _host_urls(ports: StackPorts) -> dict[str, str]:
    host = ports.apps["workflow-app"]
    return {
        "host_sidecar": f"http://127.0.0.1:{host.dapr_http}",
        "host_metrics": f"http://127.0.0.1:{host.metrics}/metrics",
    }


def _stored_tokens(run_dir: Path) -> StackTokens:
    tokens = read_tokens(run_dir)
    if tokens is None:
        pytest.fail(f"no {run_dir}/tokens.json: restart the stack with `make up`")
    return tokens


def _refuse_a_second_stack() -> None:
    """The stock `dapr` CLI finds a sidecar by app id among all of the machine's daprd
    processes, and purges through the scheduler's etcd on localhost:2379: the CLI tests
    need this session's stack to be the only one."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"daprd") and b"workflow-app" in argv:
            pytest.fail(
                f"another stack is running (daprd pid {cmdline.parent.name}); stop it with "
                "`make down`, or run against it with E2E_REUSE_STACK=1"
            )
