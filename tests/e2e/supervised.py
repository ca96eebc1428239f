"""The test stack interface (stack.py) for stacks run by our process supervisor: one the
session starts on free ports, or one already started with `make up` (E2E_REUSE_STACK=1)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from invoice_shared.dapr_names import WORKFLOW_APP_ID
from invoice_stack.supervisor import Stack, ports_from_state, read_state
from invoice_stack.tokens import StackTokens, read_tokens
from invoice_stack.topology import StackLayout
from invoice_stack.topology.ports import StackPorts

from .stack import RunningStack, StackProcesses


class SupervisedProcesses:
    """StackProcesses over a supervisor Stack this session started."""

    def __init__(self, stack: Stack) -> None:
        self._stack = stack

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        self._stack.kill(name, sig)

    def restart(self, name: str, env: Mapping[str, str] | None = None) -> None:
        self._stack.restart(name, dict(env) if env else None)

    def freeze(self, name: str) -> None:
        os.killpg(self._stack.procs[name].pid, signal.SIGSTOP)

    def thaw(self, name: str) -> None:
        os.killpg(self._stack.procs[name].pid, signal.SIGCONT)

    def failures(self) -> list[tuple[str, int]]:
        # A clean exit is a sidecar the host asked to restart (a heal): the keeper
        # starts it again within a second, so only non-zero codes are failures.
        # What the test killed and keeps down on purpose has not failed.
        held = self._stack.held_down()
        exited = self._stack.exited().items()
        down = [(name, code) for name, code in exited if code != 0 and name not in held]
        return [*down, *self._stack.crashes]

    def log_text(self, name: str) -> str:
        return _read(self._stack.log_path(name))


def owned_stack(stack: Stack) -> RunningStack:
    """The interface to a stack this session started (and will stop)."""
    processes = SupervisedProcesses(stack)
    return _running(stack.layout, stack.ports, stack.tokens, processes.log_text, processes)


def reused_stack(run_dir: Path) -> RunningStack:
    """The interface to the stack `make up` started, read from its state file: not ours to
    kill or restart."""
    state = read_state(run_dir)
    if state is None:
        pytest.fail("E2E_REUSE_STACK=1 but no stack is running (make up)")
    tokens = read_tokens(run_dir)
    if tokens is None:
        pytest.fail(f"no {run_dir}/tokens.json: restart the stack with `make up`")
    raw = state["layout"]
    layout = StackLayout(
        repo=Path(raw["repo"]),
        bin_dir=Path(raw["bin_dir"]),
        run_dir=Path(raw["run_dir"]),
        source_dir=Path(raw["source_dir"]),
        jaeger=Path(raw["jaeger"]) if raw.get("jaeger") else None,
        prometheus=Path(raw["prometheus"]) if raw.get("prometheus") else None,
    )
    logs = layout.log_dir
    return _running(
        layout, ports_from_state(state), tokens, lambda name: _read(logs / f"{name}.log"), None
    )


def _running(
    layout: StackLayout,
    ports: StackPorts,
    tokens: StackTokens,
    read_log: Callable[[str], str],
    processes: StackProcesses | None,
) -> RunningStack:
    local = "http://127.0.0.1"
    return RunningStack(
        api_url=f"{local}:{ports.apps[WORKFLOW_APP_ID].app}",
        console_url=f"{local}:{ports.console}",
        host_metrics=f"{local}:{ports.apps[WORKFLOW_APP_ID].metrics}/metrics",
        app_urls={app_id: f"{local}:{p.app}" for app_id, p in ports.apps.items()},
        sidecar_urls={app_id: f"{local}:{p.dapr_http}" for app_id, p in ports.apps.items()},
        tokens=tokens,
        source_dir=layout.source_dir,
        artifact_dir=layout.artifact_dir,
        dapr_cli=layout.bin_dir / "dapr",
        redis_url=f"redis://127.0.0.1:{ports.redis}",
        host_sidecar_grpc=f"127.0.0.1:{ports.apps[WORKFLOW_APP_ID].dapr_grpc}",
        jaeger_url=f"{local}:{ports.jaeger_query}" if layout.jaeger else None,
        prometheus_url=f"{local}:{ports.prometheus}" if layout.prometheus else None,
        read_log=read_log,
        processes=processes,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
