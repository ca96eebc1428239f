"""`make up`'s daemon tells `up` the truth about the start: STARTED only when the stack
started, otherwise why not (whatever the exception); SIGTERM then stops the stack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from invoice_stack.supervisor.cli import STARTED

PROBE = Path(__file__).with_name("daemon_probe.py")


def _daemon(run_dir: Path, failure: str | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start the daemon in an interpreter of its own, as `up` does; it and its report."""
    report_fd, daemon_fd = os.pipe()
    argv = [sys.executable, str(PROBE), str(run_dir), str(daemon_fd)]
    daemon = subprocess.Popen([*argv, *([failure] if failure else [])], pass_fds=(daemon_fd,))
    os.close(daemon_fd)
    with os.fdopen(report_fd) as report:
        return daemon, report.read()


def test_an_unexpected_error_in_the_start_is_reported_not_taken_for_success(tmp_path: Path):
    daemon, report = _daemon(tmp_path, "redis-server")
    assert report == "FileNotFoundError: redis-server"
    assert daemon.wait(timeout=10) != 0


def test_a_started_stack_is_reported_and_stopped_on_sigterm(tmp_path: Path):
    # SIGTERM sent the moment STARTED is read, again and again: the daemon once hung
    # when the signal caught it entering its wait (a lock held by the waiting thread).
    for attempt in range(8):  # each in a fresh interpreter: about 1 s apiece
        run_dir = tmp_path / str(attempt)
        daemon, report = _daemon(run_dir)
        assert report == STARTED
        daemon.send_signal(signal.SIGTERM)
        try:
            code = daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            pytest.fail(f"attempt {attempt}: no exit on SIGTERM")
        assert code == 0, f"attempt {attempt}: exit code {code}"
        assert (run_dir / "logs" / "stopped").exists()
