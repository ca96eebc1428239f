"""`make up`'s daemon over a fake stack, run as a program: `python daemon_probe.py RUN_DIR
REPORT_FD [FAILURE]`. The real daemon is forked from the single-threaded CLI; a fork of
the test runner (threads and at-fork handlers of libraries earlier tests loaded) failed
once in a full unit run, a hazard the real daemon does not have."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from invoice_stack.supervisor.cli import _supervise


class FakeStack:
    def __init__(self, run_dir: Path, failure: BaseException | None) -> None:
        self.layout = SimpleNamespace(log_dir=run_dir / "logs")
        self.supervisor_pid: int | None = None
        self.failure = failure

    def start(self) -> None:
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        (self.layout.log_dir / "stopped").touch()


if __name__ == "__main__":
    run_dir, report_fd = Path(sys.argv[1]), int(sys.argv[2])
    failure = FileNotFoundError(sys.argv[3]) if len(sys.argv) > 3 else None
    _supervise(FakeStack(run_dir, failure), report_fd)  # type: ignore[arg-type]
