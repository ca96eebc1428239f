"""What every peer shares: the records it returns, free ports, and its child processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from invoice_shared.policy import EXTRACT_CONCURRENCY_LIMIT, MAX_DIRECT_PAGES, PAGE_BATCH_SIZE

# Ports are drawn from 15000-19999: below the range the e2e suite draws its stacks'
# ports from (20000-32767, bound tens of seconds after they are chosen) and below the
# kernel's ephemeral range (32768-60999), so neither can take a port between our choice
# and the engine's bind. Nothing of the Dapr stack's defaults lives there.
PORT_RANGE = (15000, 20000)


@dataclass
class Record:
    """One invoice's run on one peer."""

    invoice_id: str
    pages: int
    latency_s: float
    result: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class PeerRun:
    """What a peer returns: a record per invoice, in corpus order, and its processes."""

    peer: str
    records: list[Record]
    # name -> pid of every process the peer started (engine, workers). Each is the root
    # of a process tree (a worker's extraction pool forks below it): sample descendants
    # too, e.g. with tree_usage().
    pids: dict[str, int]
    wall_s: float
    config: dict[str, Any] = field(default_factory=dict)
    notes: str = ""  # markdown the peer measured about itself (dapr: the runtime's metrics)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@contextlib.contextmanager
def peer_dir(peer: str, workdir: Path | None) -> Iterator[Path]:
    """A fresh directory for one run of a peer (its artifacts, engine data, logs): kept
    under `workdir` when given, else a temporary one removed afterwards."""
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        yield Path(tempfile.mkdtemp(prefix=f"{peer}-", dir=workdir))
        return
    with tempfile.TemporaryDirectory(prefix=f"bench-{peer}-") as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def peer_session(
    peer: str,
    workdir: Path | None,
    corpus: Sequence[Any],
    concurrency: int,
    options: Mapping[str, Any],
) -> Iterator[tuple[Path, Processes, Job]]:
    """One run of a peer: its directory (peer_dir), its processes, every one of them
    stopped on the way out however the run ends, and its job."""
    with peer_dir(peer, workdir) as root:
        procs = Processes(root / "logs")
        try:
            yield root, procs, Job.of(corpus, concurrency, **options)
        finally:
            procs.stop()


def pick_ports(count: int, seed: int | None = None) -> list[int]:
    """`count` distinct loopback ports that are free now, from PORT_RANGE."""
    rng = random.Random(seed)
    chosen: list[int] = []
    for _ in range(2000):
        port = rng.randrange(*PORT_RANGE)
        if port not in chosen and _bindable(port):
            chosen.append(port)
            if len(chosen) == count:
                return chosen
    raise RuntimeError(f"no {count} free ports in {PORT_RANGE}")


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, timeout: float, alive: Callable[[], bool]) -> None:
    """Wait until something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"the process meant to listen on {port} exited")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


class Processes:
    """Child processes of one peer, each in its own session, logging to its own file.

    stop() ends exactly these (and their process groups), never anything by name.
    """

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(
        self, name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None = None
    ) -> subprocess.Popen[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen(
                list(argv),
                env=dict(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items()}

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM each process group we started (newest first), SIGKILL what remains."""
        for proc in reversed(self.procs.values()):
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in reversed(self.procs.values()):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))
            _signal_group(proc, signal.SIGKILL)
            proc.wait()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    # Each child leads its own session (start_new_session), so its group id is its pid.
    # A group whose leader has exited may still hold its children (pool workers).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def tree_usage(pids: Iterable[int]) -> tuple[float, int]:
    """CPU seconds (user + system) and resident bytes of these processes and their
    descendants right now; processes that are gone count nothing."""
    cpu = 0.0
    rss = 0
    seen: set[int] = set()
    for pid in pids:
        try:
            root = psutil.Process(pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for proc in tree:
            if proc.pid in seen:
                continue
            seen.add(proc.pid)
            try:
                with proc.oneshot():
                    times = proc.cpu_times()
                    cpu += times.user + times.system
                    rss += proc.memory_info().rss
            except psutil.Error:
                continue
    return cpu, rss


class Sampler:
    """CPU seconds and peak RSS of process trees, from when they are ready to the end."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.pids: list[int] = []
        self.cpu_start = self.cpu_end = 0.0
        self.rss_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self, pids: dict[str, int]) -> None:
        self.pids = list(pids.values())
        self.cpu_start, self.rss_peak = tree_usage(self.pids)
        self.cpu_end = self.cpu_start
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            cpu, rss = tree_usage(self.pids)
            self.cpu_end = max(self.cpu_end, cpu)
            self.rss_peak = max(self.rss_peak, rss)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def driver_argv(role: str, *args: str) -> list[str]:
    """A child process of ours, with this interpreter (the benchmarks venv)."""
    return [sys.executable, "-m", "invoice_bench.driver", role, *args]


def child_env(**extra: str) -> dict[str, str]:
    # The engines' settings are the peer's to set; logging levels may come from outside.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "TEMPORAL_")) or k.startswith("PREFECT_LOGGING_")
    }
    env.update(extra)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


def describe(exc: BaseException) -> str:
    """An error with its causes, innermost last: engines wrap the step's own error."""
    parts = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 6:
        parts.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__
    return " <- ".join(parts)


def source_dir(corpus: Sequence[Any]) -> Path:
    """The one directory every item's pdf_path is relative to (the upload source dir)."""
    dirs = {item.source_dir for item in corpus}
    if len(dirs) != 1:
        raise ValueError(f"a run needs its corpus in one directory, got {sorted(dirs)}")
    return dirs.pop()


@dataclass(frozen=True)
class Job:
    """What a peer's driver process is handed: the invoices and how to run them."""

    invoices: list[dict[str, Any]]  # {"invoice_id", "pdf_path", "pages"}
    concurrency: int
    # The Dapr stack's defaults, from the policy it reads itself.
    batch_size: int = PAGE_BATCH_SIZE
    max_direct_pages: int = MAX_DIRECT_PAGES
    extract_concurrency: int | None = EXTRACT_CONCURRENCY_LIMIT
    # Dapr only: Jaeger beside the stack and every request traced (sampling rate 1).
    tracing: bool = False
    # Dapr only: workflow host replicas, each with its own sidecar.
    host_replicas: int = 1

    @classmethod
    def of(cls, corpus: Sequence[Any], concurrency: int, **options: Any) -> Job:
        invoices = [
            {"invoice_id": i.invoice_id, "pdf_path": i.pdf_path, "pages": i.pages} for i in corpus
        ]
        return cls(invoices=invoices, concurrency=concurrency, **options)

    def save(self, path: Path) -> None:
        write_json(path, asdict(self))

    @classmethod
    def load(cls, path: Path) -> Job:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def options(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "invoices"}


async def drive(
    job: Job, one: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
) -> list[Record]:
    """Run every invoice of `job` through `one`, `job.concurrency` at a time, timing each
    from its start to its result; records in job order."""
    slots = asyncio.Semaphore(job.concurrency)

    async def timed(invoice: dict[str, Any]) -> Record:
        async with slots:
            start = time.perf_counter()
            try:
                result = await one(invoice)
            except Exception as exc:
                return Record(
                    invoice["invoice_id"],
                    invoice["pages"],
                    time.perf_counter() - start,
                    error=describe(exc),
                )
            return Record(
                invoice["invoice_id"], invoice["pages"], time.perf_counter() - start, result
            )

    return list(await asyncio.gather(*(timed(invoice) for invoice in job.invoices)))


# A driver process: the peer's client side, run as `python -m invoice_bench.driver ROLE
# JOB_DIR`. It warms up, says it is ready, waits for the go, runs the job and writes its
# records.
READY, GO, RESULT, PIDS = "ready", "go", "records.json", "pids.json"


def driver_pids(job_dir: Path) -> dict[str, int]:
    """Processes the driver started itself, by name (empty if it lists none)."""
    path = job_dir / PIDS
    return {k: int(v) for k, v in json.loads(path.read_text()).items()} if path.exists() else {}


def run_driver(
    procs: Processes,
    role: str,
    job: Job,
    job_dir: Path,
    env: Mapping[str, str],
    on_ready: Callable[[dict[str, int]], None] | None,
    timeout: float,
    argv: Sequence[str] | None = None,
) -> tuple[list[Record], float]:
    """Start the driver, let it run the job once every process is up; its records and
    the job's wall time (from the go to the last result, as the driver measured it).

    `argv` replaces our own driver (the Dapr peer's runs in the product's environment);
    a driver that starts processes of its own lists them in PIDS before it is ready."""
    job.save(job_dir / "job.json")
    driver = procs.start("driver", list(argv or driver_argv(role, str(job_dir))), env)
    deadline = time.monotonic() + timeout
    while not (job_dir / READY).exists():
        procs.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError(f"the {role} driver did not get ready in {timeout:.0f} s")
        time.sleep(0.05)
    if on_ready is not None:
        on_ready({**procs.pids(), **driver_pids(job_dir)})
    (job_dir / GO).touch()
    while driver.poll() is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the {role} driver did not finish in {timeout:.0f} s")
        for name, proc in procs.procs.items():
            if name != "driver" and proc.poll() is not None:
                raise RuntimeError(f"{name} exited during the run:\n{procs.log_tail(name)}")
        time.sleep(0.05)
    if driver.returncode != 0:
        raise RuntimeError(
            f"the {role} driver failed ({driver.returncode}):\n{procs.log_tail('driver')}"
        )
    out = json.loads((job_dir / RESULT).read_text(encoding="utf-8"))
    return [Record(**row) for row in out["records"]], out["wall_s"]


def driver_main(job_dir: Path, warm_up: Callable[[], None], run: Callable[[Job], list[Record]]):
    """The driver's side of run_driver()."""
    job = Job.load(job_dir / "job.json")
    warm_up()
    (job_dir / READY).touch()
    while not (job_dir / GO).exists():
        time.sleep(0.01)
    start = time.perf_counter()
    records = run(job)
    wall = time.perf_counter() - start
    write_json(job_dir / RESULT, {"wall_s": wall, "records": [asdict(r) for r in records]})
