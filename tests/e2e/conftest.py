"""The real stack for end-to-end tests: Redis, placement, scheduler, every service
and every sidecar, on free loopback ports, owned by this session.

Set E2E_REUSE_STACK=1 to run against a stack already started with `make up`, and
E2E_STACK=compose to run the same tests against the containers of docker-compose.yml
(`make test-compose`).
Tests talk to it through `stack.RunningStack`; tests marked `disruptive` (they kill or
restart processes) run after all others, whatever their file names.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_shared.dapr_names import WORKFLOW_APP_ID
from invoice_stack.layout import dapr_bin_dir, find_repo, jaeger_binary, prometheus_binary
from invoice_stack.supervisor import Stack
from invoice_stack.topology import StackLayout
from invoice_stack.topology.ports import free_ports

from .composed import ComposeStack, ContainerProcesses, compose_running
from .stack import RunningStack
from .stack_config import E2E_APP_ENV, EXTRACT_CONCURRENCY_LIMIT
from .supervised import owned_stack, reused_stack


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Disruptive tests last, and `last` ones after them (a stable sort keeps the order
    within each group); tests that need one kind of stack (`compose`, `self_hosted`) only
    when it is the kind under test."""
    # Tests of one kind of stack only: the other kind deselects them.
    wrong_kind = "self_hosted" if os.environ.get("E2E_STACK") == "compose" else "compose"
    unselected = [item for item in items if item.get_closest_marker(wrong_kind)]
    if unselected:
        config.hook.pytest_deselected(items=unselected)
        items[:] = [item for item in items if not item.get_closest_marker(wrong_kind)]
    items.sort(
        key=lambda item: (
            item.get_closest_marker("last") is not None,
            item.get_closest_marker("disruptive") is not None,
        )
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    repo = find_repo(Path(__file__).parent)
    if os.environ.get("E2E_REUSE_STACK") == "1":
        yield reused_stack(repo / ".run")
        return
    _refuse_a_second_stack()
    run_dir = tmp_path_factory.mktemp("stack")
    if os.environ.get("E2E_STACK") == "compose":
        composed = ComposeStack(repo, run_dir, free_ports(), E2E_APP_ENV, EXTRACT_CONCURRENCY_LIMIT)
        composed.start()
        running = compose_running(composed)
        try:
            yield running
        finally:
            processes = running.processes
            assert isinstance(processes, ContainerProcesses)
            processes.close()
            if not processes.stopped:
                composed.stop()
        return
    layout = StackLayout(
        repo=repo,
        bin_dir=dapr_bin_dir(repo),
        run_dir=run_dir,
        source_dir=run_dir / "source",
        jaeger=jaeger_binary(repo),
        prometheus=prometheus_binary(repo),
    )
    running = Stack(
        layout,
        free_ports(),
        app_env=E2E_APP_ENV,
        die_with_parent=True,
        extract_limit=EXTRACT_CONCURRENCY_LIMIT,
    )
    running.start()
    try:
        yield owned_stack(running)
    finally:
        running.stop()


def _refuse_a_second_stack() -> None:
    """The stock `dapr` CLI finds a sidecar by app id among all of the machine's daprd
    processes, and purges through the scheduler's etcd on localhost:2379: the CLI tests
    need this session's stack to be the only one."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"daprd") and WORKFLOW_APP_ID.encode() in argv:
            pytest.fail(
                f"another stack is running (daprd pid {cmdline.parent.name}); stop it with "
                "`make down`, or run against it with E2E_REUSE_STACK=1"
            )
