"""The supervisor keeps its processes running, as a restart policy would: a process that
exits by itself is started again (a crash is recorded as one), a process stopped on
purpose stays down until restarted. Real child processes, no Dapr."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from invoice_stack.layout import find_repo
from invoice_stack.supervisor import Stack
from invoice_stack.topology import Health, ProcessSpec, StackLayout
from invoice_stack.topology.ports import free_ports

# An HTTP server that exits cleanly (code 0) on SIGUSR1, as daprd does when asked to.
SERVE = (
    "import http.server, signal, sys\n"
    "signal.signal(signal.SIGUSR1, lambda *_: sys.exit(0))\n"
    "http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])),"
    " http.server.SimpleHTTPRequestHandler).serve_forever()\n"
)


def _server(name: str, port: int) -> ProcessSpec:
    return ProcessSpec(
        name=name,
        argv=[sys.executable, "-c", SERVE, str(port)],
        health=Health(url=f"http://127.0.0.1:{port}/"),
    )


@pytest.fixture
def stack(tmp_path: Path):
    repo = find_repo(Path(__file__).parent)
    layout = StackLayout(repo=repo, bin_dir=tmp_path, run_dir=tmp_path, source_dir=tmp_path)
    running = Stack(layout, free_ports(cli_purge=False), infra_only=True)
    ports = free_ports(cli_purge=False)
    running.specs = [_server("first", ports.redis), _server("second", ports.placement)]
    running.start()
    yield running
    running.stop()


def _wait(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_process_that_dies_is_started_again_and_its_crash_recorded(stack: Stack):
    victim = stack.procs["second"].pid
    os.killpg(victim, signal.SIGKILL)
    _wait(lambda: stack.procs["second"].pid != victim and stack.procs["second"].poll() is None)
    assert stack.crashes == [("second", -signal.SIGKILL)]
    assert stack.exited() == {}


def test_a_clean_exit_is_restarted_without_counting_as_a_crash(stack: Stack):
    """A sidecar its host asked to shut down (a wedged one) exits 0: start it again."""
    victim = stack.procs["first"].pid
    os.kill(victim, signal.SIGUSR1)
    _wait(lambda: stack.procs["first"].pid != victim and stack.procs["first"].poll() is None)
    assert stack.crashes == []


def test_a_process_killed_on_purpose_stays_down_until_restarted(stack: Stack):
    stack.kill("second")
    time.sleep(1.5)  # three keeper rounds
    assert stack.exited() == {"second": -signal.SIGKILL}
    assert stack.crashes == []
    stack.restart("second")
    assert stack.exited() == {}
    assert stack.crashes == []
