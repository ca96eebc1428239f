"""`make up`'s daemon tells `up` the truth about the start: STARTED only when the stack
started, otherwise why not (whatever the exception); SIGTERM then stops the stack."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from types import SimpleNamespace

from invoice_stack.supervisor.cli import STARTED, _supervise


class _FakeStack:
    def __init__(self, run_dir: Path, failure: BaseException | None) -> None:
        self.layout = SimpleNamespace(log_dir=run_dir / "logs")
        self.supervisor_pid: int | None = None
        self.failure = failure

    def start(self) -> None:
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        (self.layout.log_dir / "stopped").touch()


def _daemon(stack: _FakeStack) -> tuple[int, str]:
    """Fork the daemon as `up` does; its pid and its report."""
    report_fd, daemon_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the daemon: never returns
        os.close(report_fd)
        _supervise(stack, daemon_fd)
    os.close(daemon_fd)
    with os.fdopen(report_fd) as report:
        return pid, report.read()


def test_an_unexpected_error_in_the_start_is_reported_not_taken_for_success(tmp_path: Path):
    pid, report = _daemon(_FakeStack(tmp_path, FileNotFoundError("redis-server")))
    assert report == "FileNotFoundError: redis-server"
    assert os.waitpid(pid, 0)[1] != 0


def _exit_code_within(pid: int, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def test_a_started_stack_is_reported_and_stopped_on_sigterm(tmp_path: Path):
    # SIGTERM sent the moment STARTED is read, again and again: the daemon once hung
    # when the signal caught it entering its wait (a lock held by the waiting thread).
    for attempt in range(20):
        stack = _FakeStack(tmp_path / str(attempt), None)
        pid, report = _daemon(stack)
        assert report == STARTED
        os.kill(pid, signal.SIGTERM)
        assert _exit_code_within(pid, 10) == 0, f"attempt {attempt}: no exit on SIGTERM"
        assert (stack.layout.log_dir / "stopped").exists()
