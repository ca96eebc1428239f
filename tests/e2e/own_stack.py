"""A stack of a test module's own, beside the session's and of the same kind: this
machine's processes, or containers (E2E_STACK=compose). For what the session's stack
cannot be: replicas, another implementation of a service."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import pytest

from invoice_stack.layout import dapr_bin_dir, find_repo, go_binary
from invoice_stack.supervisor import Stack
from invoice_stack.supervisor.dapr_config import supports_sqlite_resolver
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import StackLayout
from invoice_stack.topology.ports import StackPorts

from .composed import ComposeStack, ContainerProcesses, compose_running
from .stack import RunningStack
from .stack_config import E2E_APP_ENV, EXTRACT_CONCURRENCY_LIMIT
from .supervised import owned_stack


class OwnStack(Protocol):
    """What tests read of either kind of stack beyond RunningStack: ports and tokens."""

    ports: StackPorts
    tokens: StackTokens


@contextmanager
def stack_of_its_own(
    run_dir: Path, ports: StackPorts, name: str, go_apps: tuple[str, ...] = ()
) -> Iterator[tuple[OwnStack, RunningStack]]:
    """Start it on `ports` (free ones, without the stock CLI's purge port, which the
    session's stack holds), with `go_apps` in Go; `name` is its compose project's."""
    repo = find_repo(Path(__file__).parent)
    if os.environ.get("E2E_STACK") == "compose":
        with _composed(repo, run_dir, ports, name, go_apps) as started:
            yield started
        return
    bin_dir = dapr_bin_dir(repo)
    if not supports_sqlite_resolver(bin_dir):
        # mDNS is machine-wide: beside the session's stack, calls would cross stacks.
        pytest.skip("stock `dapr init` binaries resolve app ids by mDNS: one stack only")
    layout = StackLayout(
        repo=repo,
        bin_dir=bin_dir,
        run_dir=run_dir,
        source_dir=run_dir / "source",
        go_apps={app_id: go_binary(repo, app_id) for app_id in go_apps},
    )
    stack = Stack(
        layout,
        ports,
        app_env=E2E_APP_ENV,
        die_with_parent=True,
        extract_limit=EXTRACT_CONCURRENCY_LIMIT,
    )
    try:
        stack.start()  # a start that fails half-way leaves processes to stop too
        yield stack, owned_stack(stack)
    finally:
        stack.stop()


@contextmanager
def _composed(
    repo: Path, run_dir: Path, ports: StackPorts, name: str, go_apps: tuple[str, ...]
) -> Iterator[tuple[OwnStack, RunningStack]]:
    stack = ComposeStack(
        repo, run_dir, ports, E2E_APP_ENV, EXTRACT_CONCURRENCY_LIMIT, name=name, go_apps=go_apps
    )
    running = None
    try:
        stack.start()  # containers of a start that fails half-way keep their ports
        running = compose_running(stack)
        yield stack, running
    finally:
        if running is not None:
            assert isinstance(running.processes, ContainerProcesses)
            running.processes.close()
        stack.stop()
