"""Process groups of the stack: who they are (pid and start time), stopping them, and
tying a child to its parent's life."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)


def start_ticks(pid: int) -> int:
    """When `pid` started (clock ticks since boot); 0 if it is gone.

    Stored beside each pid so that a stale state file (a reboot, a killed session)
    never makes us signal an unrelated process that reuses the number.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    # Field 22, counted after the parenthesised command name (which may hold spaces).
    return int(stat.rsplit(")", 1)[1].split()[19])


def stop_process_groups(processes: dict[str, list[int]], grace: float = 10.0) -> None:
    """Stop the groups of the processes that are still the ones we started."""
    pids = {
        name: pid for name, (pid, ticks) in processes.items() if ticks and start_ticks(pid) == ticks
    }
    for name, pid in reversed(list(pids.items())):
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        except PermissionError:
            log.warning("not allowed to stop %s (pid %d)", name, pid)
    deadline = time.monotonic() + grace
    alive = dict(pids)
    while alive and time.monotonic() < deadline:
        alive = {n: p for n, p in alive.items() if _group_alive(p)}
        time.sleep(0.1)
    for name, pid in alive.items():
        log.warning("%s did not stop in %.0f s; killing it", name, grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # A zombie leader keeps the group "alive" until reaped; reap it if it is ours.
    try:
        pid, _ = os.waitpid(pgid, os.WNOHANG)
        return pid == 0
    except ChildProcessError:
        return True


def set_parent_death_signal() -> None:
    # PR_SET_PDEATHSIG = 1: the kernel sends SIGKILL when the parent exits.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)


@contextlib.contextmanager
def signals_as_exit() -> Iterator[None]:
    def _exit(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _exit) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
