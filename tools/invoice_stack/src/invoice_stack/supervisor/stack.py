"""Start, watch and stop the processes of a StackLayout.

Each process runs in its own session (process group) with its log in its own file,
so stopping kills every descendant, and a failed start tears down what it started.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from invoice_stack.supervisor.dapr_config import supports_sqlite_resolver, write_stack_config
from invoice_stack.supervisor.health import healthy
from invoice_stack.supervisor.process_groups import (
    set_parent_death_signal,
    signals_as_exit,
    start_ticks,
    stop_process_groups,
)
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import (
    APP_IDS,
    ProcessSpec,
    StackLayout,
    build_processes,
    sidecar,
    telemetry,
)
from invoice_stack.topology import api_url as host_api_url
from invoice_stack.topology.ports import StackPorts, ports_from_dict
from invoice_stack.topology.processes import DEFAULT_TRACE_SAMPLING

log = logging.getLogger(__name__)


class StackError(RuntimeError):
    """A process of the stack died or never became healthy."""


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


class Stack:
    """The running stack described by `layout` and `ports`."""

    STATE_FILE = "stack.json"

    def __init__(
        self,
        layout: StackLayout,
        ports: StackPorts,
        app_env: dict[str, str] | None = None,
        start_timeout: float = 90.0,
        infra_only: bool = False,
        die_with_parent: bool = False,
        extract_limit: int | None = None,
        api_key: str | None = None,
        trace_sampling: float = DEFAULT_TRACE_SAMPLING,
    ) -> None:
        """`die_with_parent` ties every process to this one (test stacks): if the test
        run is killed, the kernel stops the stack too."""
        self.die_with_parent = die_with_parent
        self.extract_limit = extract_limit
        self.layout = layout
        self.ports = ports
        self.infra_only = infra_only
        self.tokens = StackTokens.load_or_create(layout.run_dir, APP_IDS, api_key)
        self.trace_sampling = trace_sampling
        self.specs = build_processes(
            layout, ports, self.tokens, app_env, infra_only, trace_sampling
        )
        self.start_timeout = start_timeout
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._launched: dict[str, ProcessSpec] = {}  # as last started, env included
        self._started_at: dict[str, float] = {}  # monotonic, by process
        # The keeper: starts again a process that exits by itself, as a restart policy
        # would. Processes the caller stopped on purpose (kill, restart) are `_held`.
        self._lock = threading.RLock()
        self._held: set[str] = set()
        self._keeper_stop = threading.Event()
        self._keeper: threading.Thread | None = None
        self.crashes: list[tuple[str, int]] = []  # (name, exit code) the keeper restarted
        self.supervisor_pid: int | None = None  # a `make up` daemon owning this stack

    # -- start -------------------------------------------------------------------------

    def start(self) -> None:
        """Start every process in order, waiting for each to be healthy.

        SIGTERM/SIGHUP become SystemExit while starting, so a stack stopped mid-start
        (`make up` forwards its Ctrl-C to the daemon) stops what it started instead of
        leaving it running without a state file.
        """
        with signals_as_exit():
            self._start()

    def _start(self) -> None:
        for directory in (
            self.layout.log_dir,
            self.layout.artifact_dir,
            self.layout.source_dir,
            self.layout.run_dir / "redis",
        ):
            directory.mkdir(parents=True, exist_ok=True)
        tracing = None
        if self.layout.jaeger is not None:
            self.layout.jaeger_config.write_text(telemetry.jaeger_config(self.ports))
            tracing = telemetry.sidecar_tracing(self.ports, self.trace_sampling)
        if self.layout.prometheus is not None:
            self.layout.prometheus_config.write_text(
                telemetry.prometheus_config(self.ports, self.layout.repo)
            )
        write_stack_config(
            self.layout.repo / sidecar.CONFIG_FILE,
            self.layout.run_dir,
            supports_sqlite_resolver(self.layout.bin_dir),
            self.extract_limit,
            tracing=tracing,
        )
        try:
            with httpx.Client() as client:
                for spec in self.specs:
                    self._spawn(spec)
                    self._write_state()
                    # Sidecars and the host need their app up; infrastructure is waited
                    # on one by one so a failure names the first broken piece.
                    self._wait_healthy(spec, client)
        except BaseException:
            self.stop()
            raise
        self._keeper = threading.Thread(target=self._keep, name="stack-keeper", daemon=True)
        self._keeper.start()

    def _keep(self, interval: float = 0.5) -> None:
        """Start again any process that exits by itself: a crash, or a sidecar that its
        host asked to shut down because it was wedged (workflow_app.actor_health).

        One that keeps dying right after its start waits longer each time (up to 30 s)
        instead of being spawned twice a second. With `die_with_parent`, what this thread
        starts dies with it (the kernel ties the signal to the spawning thread), which
        only happens when the stack stops."""
        delay: dict[str, float] = {}  # before the next start, by process
        due: dict[str, float] = {}  # when a dead process may start again
        while not self._keeper_stop.wait(interval):
            with self._lock:
                now = time.monotonic()
                for name, proc in list(self.procs.items()):
                    if name in self._held or proc.poll() is None:
                        continue
                    if name not in due:  # found dead just now
                        log.warning("%s exited with code %s", name, proc.returncode)
                        if proc.returncode != 0:
                            self.crashes.append((name, proc.returncode))
                        lived = now - self._started_at.get(name, now)
                        quick = lived < 10.0
                        delay[name] = min(30.0, max(0.5, delay.get(name, 0.0) * 2)) if quick else 0
                        due[name] = now + delay[name]
                    if now < due[name]:
                        continue
                    try:
                        self._spawn(self._launched[name], append=True)
                        self._write_state()
                    except OSError:
                        log.exception("could not start %s again; trying again in 5 s", name)
                        due[name] = now + 5.0
                        continue
                    del due[name]

    def _spawn(self, spec: ProcessSpec, append: bool = False) -> None:
        log_path = self.log_path(spec.name)
        env = {**os.environ, **spec.env}
        self._launched[spec.name] = spec
        self._started_at[spec.name] = time.monotonic()
        # A fresh log per start of the stack; a restarted process appends to its own.
        with log_path.open("ab" if append else "wb") as log_file:
            self.procs[spec.name] = subprocess.Popen(
                spec.argv,
                cwd=self.layout.run_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                # Own process group: stopping the group stops every descendant.
                start_new_session=True,
                preexec_fn=set_parent_death_signal if self.die_with_parent else None,
            )
        log.info("started %s (pid %d)", spec.name, self.procs[spec.name].pid)

    def _wait_healthy(self, spec: ProcessSpec, client: httpx.Client) -> None:
        deadline = time.monotonic() + self.start_timeout
        proc = self.procs[spec.name]
        while not healthy(spec.health, client):
            if proc.poll() is not None:
                raise StackError(
                    f"{spec.name} exited with code {proc.returncode} during start-up; "
                    f"last lines of {self.log_path(spec.name)}:\n{tail(self.log_path(spec.name))}"
                )
            if time.monotonic() > deadline:
                raise StackError(
                    f"{spec.name} was not healthy after {self.start_timeout:.0f} s "
                    f"({spec.health.url or 'redis PING'}); last lines of "
                    f"{self.log_path(spec.name)}:\n{tail(self.log_path(spec.name))}"
                )
            time.sleep(0.2)

    def exited(self) -> dict[str, int]:
        """Processes that have exited since start, with their exit codes."""
        return {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}

    def held_down(self) -> set[str]:
        """Processes `kill` stopped on purpose and nothing has started again yet."""
        with self._lock:
            return set(self._held)

    def log_path(self, name: str) -> Path:
        return self.layout.log_dir / f"{name}.log"

    # -- stop --------------------------------------------------------------------------

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM every process group, newest first; SIGKILL what outlives `grace`."""
        self._keeper_stop.set()
        if self._keeper is not None:
            self._keeper.join()
        stop_process_groups(self._identities(), grace)
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=1)
        self.procs.clear()
        self.state_path(self.layout.run_dir).unlink(missing_ok=True)

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send `sig` to one process group (fault tests); it stays down until `restart`."""
        with self._lock:
            self._held.add(name)
            os.killpg(self.procs[name].pid, sig)
        self.procs[name].wait(timeout=10)

    def restart(self, name: str, env: dict[str, str] | None = None) -> None:
        """Stop `name` if it runs, start it again (with `env` added), wait until healthy.

        A new environment stands for a new deployment of that app (the versioning test),
        until the next restart; the keeper keeps it, should the process exit meanwhile.
        """
        with self._lock:
            self._held.add(name)
        try:
            spec = next(s for s in self.specs if s.name == name)
            if env:
                spec = dataclasses.replace(spec, env={**spec.env, **env})
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is None:
                stop_process_groups({name: [proc.pid, start_ticks(proc.pid)]})
                proc.wait(timeout=15)
            with self._lock:
                self._spawn(spec, append=True)
                self._write_state()
        finally:
            with self._lock:
                self._held.discard(name)
        with httpx.Client() as client:
            self._wait_healthy(spec, client)

    # -- state file, so `down` and test reuse find a stack started elsewhere ----------

    @classmethod
    def state_path(cls, run_dir: Path) -> Path:
        return run_dir / cls.STATE_FILE

    def _write_state(self) -> None:
        state = {
            "processes": self._identities(),
            "supervisor": [self.supervisor_pid, start_ticks(self.supervisor_pid)]
            if self.supervisor_pid
            else None,
            "infra_only": self.infra_only,
            "ports": asdict(self.ports),
            "layout": {k: _plain(v) for k, v in asdict(self.layout).items()},
        }
        # Atomically: `status`, `down` and the soak read it while the keeper rewrites it.
        path = self.state_path(self.layout.run_dir)
        scratch = path.with_suffix(".tmp")
        scratch.write_text(json.dumps(state, indent=2))
        scratch.replace(path)

    def _identities(self) -> dict[str, list[int]]:
        return {name: [proc.pid, start_ticks(proc.pid)] for name, proc in self.procs.items()}

    def api_url(self) -> str:
        return host_api_url(self.ports)


def _plain(value: Any) -> Any:
    """A layout field as JSON: paths as text, mappings (go_apps) key by key."""
    if isinstance(value, dict):
        return {key: str(path) for key, path in value.items()}
    return None if value is None else str(value)


def read_state(run_dir: Path) -> dict[str, Any] | None:
    path = Stack.state_path(run_dir)
    return json.loads(path.read_text()) if path.exists() else None


def ports_from_state(state: dict[str, Any]) -> StackPorts:
    return ports_from_dict(state["ports"])
