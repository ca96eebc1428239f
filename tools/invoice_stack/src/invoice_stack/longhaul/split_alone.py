"""The split service's own code alone, in one process, under a long synthetic load: is
its memory growth a leak (Python objects that pile up) or the allocator's high water?

    python -m invoice_stack.longhaul.split_alone --splits 40000 [--every 2000]
        [--workers 1-3] [--tracemalloc] [--http [--trim SECONDS]]

It splits the long-haul's own 20 invoices (1-5 pages, same seeds) over and over from a
small thread pool, as the service's route does (FastAPI runs a plain `def` route in a
worker thread), with bursts of 1-3 at once. Every `--every` splits it prints, after a
full collection: private memory (RssAnon), what glibc's malloc holds from the system
and has in use (mallinfo2), the number of malloc arenas, live Python objects, and with
`--tracemalloc` the bytes Python allocated and still holds. Run it again with
MALLOC_ARENA_MAX set to see what the arenas cost. With `--http` the service runs as the
stack runs it (uvicorn, its own process) and is called over HTTP; the report is then
that process's private memory and threads.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import httpx

from invoice_gen import generate_invoice
from invoice_shared.artifacts import ArtifactStore, blob_key, sha256_hex
from invoice_shared.auth import APP_TOKEN_HEADER
from invoice_shared.models import UploadResult
from split_service.config import Settings
from split_service.split import split_pdf

SEED = 9100  # the long-haul corpus's first seed (invoice_stack.longhaul.run)
COUNT = 20


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
            "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _MallInfo2
_libc.fdopen.restype = ctypes.c_void_p  # a FILE *: the default int would truncate it
_libc.fdopen.argtypes = [ctypes.c_int, ctypes.c_char_p]
_libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
_libc.fclose.argtypes = [ctypes.c_void_p]


def _status(pid: int | str, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    match = re.search(rf"{field}:\s+(\d+)", status)
    return int(match.group(1)) if match else -1


def _rss_anon_mib(pid: int | str = "self") -> float:
    return _status(pid, "RssAnon") / 1024


def _arenas() -> int:
    """Malloc arenas in use, from malloc_info's XML (one <heap> per arena)."""
    with tempfile.TemporaryFile() as out:
        stream = _libc.fdopen(os.dup(out.fileno()), b"w")
        _libc.malloc_info(0, stream)
        _libc.fclose(stream)
        out.seek(0)
        return out.read().count(b"<heap nr=")


def _uploads(root: Path) -> list[UploadResult]:
    store = ArtifactStore(root)
    uploads = []
    for n in range(COUNT):
        pdf = generate_invoice(seed=SEED + n, pages=1 + n % 5).pdf
        digest = sha256_hex(pdf)
        store.put_bytes(blob_key(digest), pdf)
        uploads.append(
            UploadResult(
                invoice_id=f"alone-{n}",
                blob_key=blob_key(digest),
                sha256=digest,
                size_bytes=len(pdf),
                source=f"longhaul/{n}.pdf",
            )
        )
    return uploads


def _report(done: int, traced: bool) -> str:
    gc.collect()
    info = _libc.mallinfo2()
    mib = 2**20
    line = (
        f"{done:7d} splits  anon {_rss_anon_mib():7.2f} MiB  malloc held "
        f"{(info.arena + info.hblkhd) / mib:6.2f} in use {info.uordblks / mib:6.2f} "
        f"(+mmap {info.hblkhd / mib:5.2f})  arenas {_arenas():2d}  "
        f"objects {len(gc.get_objects()):7d}"
    )
    if traced:
        current, peak = tracemalloc.get_traced_memory()
        line += f"  traced {current / mib:6.2f} (peak {peak / mib:6.2f})"
    return line


_WRAPPED_SERVER = """
import ctypes, gc, sys, threading, time, tracemalloc
from pathlib import Path
import uvicorn
out, port = Path(sys.argv[1]), int(sys.argv[2])
traced, trim = sys.argv[3] == "1", float(sys.argv[4])
if traced:
    tracemalloc.start()
def watch():
    libc = ctypes.CDLL("libc.so.6")
    while True:
        time.sleep(trim or 1.0)
        if trim:
            libc.malloc_trim(0)
        if traced:
            gc.collect()
            out.write_text(str(tracemalloc.get_traced_memory()[0]))
threading.Thread(target=watch, daemon=True).start()
uvicorn.run("split_service.main:app", host="127.0.0.1", port=port, access_log=False)
"""


@contextlib.contextmanager
def _served(root: Path, token: str, traced: bool, trim_s: float) -> Iterator[tuple[int, str]]:
    """The split service under uvicorn, as the stack starts it: (pid, base URL)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = [sys.executable, "-m", "uvicorn", "split_service.main:app", "--host", "127.0.0.1",
            "--port", str(port), "--no-access-log"]  # fmt: skip
    if traced or trim_s:  # the same server, with tracemalloc on (its reading written
        # every second) or glibc's malloc_trim called every `trim_s`
        argv = [sys.executable, "-c", _WRAPPED_SERVER, str(root / "traced"), str(port),
                "1" if traced else "0", str(trim_s)]  # fmt: skip
    env = {**os.environ, "ARTIFACT_DIR": str(root), "APP_API_TOKEN": token}
    with subprocess.Popen(argv, env=env) as server:
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                        break
                time.sleep(0.1)
            yield server.pid, url
        finally:
            server.terminate()


def _http_split(url: str, token: str) -> Callable[[UploadResult, Settings], object]:
    headers = {"content-type": "application/json", APP_TOKEN_HEADER: token}
    local = threading.local()  # one kept-alive client per driving thread, as a sidecar keeps

    def call(upload: UploadResult, _settings: Settings) -> object:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, headers=headers)
        answer = local.client.post("/split", content=upload.model_dump_json())
        answer.raise_for_status()
        return answer.json()

    return call


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoice_stack.longhaul.split_alone")
    parser.add_argument("--splits", type=int, default=40_000)
    parser.add_argument("--every", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=3, help="most splits at once")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--http", action="store_true", help="the service in its own process")
    parser.add_argument(
        "--trim", type=float, default=0.0, help="--http: malloc_trim(0) every this many s"
    )
    args = parser.parse_args(argv)
    if args.tracemalloc and not args.http:
        tracemalloc.start()
    print(f"MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', '(unset)')}", flush=True)
    with tempfile.TemporaryDirectory(prefix="split-alone-") as root:
        settings = Settings(artifact_dir=Path(root))
        uploads = _uploads(Path(root))
        with contextlib.ExitStack() as stack:
            split: Callable[[UploadResult, Settings], object] = split_pdf
            report: Callable[[int, bool], str] = _report
            if args.http:
                token = secrets.token_urlsafe(24)
                traced = args.tracemalloc
                pid, url = stack.enter_context(_served(Path(root), token, traced, args.trim))
                split = _http_split(url, token)
                report = lambda n, _t: _report_process(pid, n, Path(root) / "traced")  # noqa: E731
            _drive(args, uploads, settings, split, report)
    return 0


def _report_process(pid: int, done: int, traced: Path) -> str:
    line = (
        f"{done:7d} splits  service anon {_rss_anon_mib(pid):7.2f} MiB  "
        f"threads {_status(pid, 'Threads')}"
    )
    with contextlib.suppress(OSError, ValueError):  # --tracemalloc: Python's own bytes,
        line += f"  traced {int(traced.read_text()) / 2**20:6.2f} MiB"  # as of the last second
    return line


def _drive(
    args: argparse.Namespace,
    uploads: list[UploadResult],
    settings: Settings,
    split: Callable[[UploadResult, Settings], object],
    report: Callable[[int, bool], str],
) -> None:
    rng = random.Random(SEED)
    done = 0
    print(report(done, args.tracemalloc), flush=True)
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        while done < args.splits:
            burst = rng.randint(1, args.workers)
            jobs = [pool.submit(split, uploads[(done + i) % COUNT], settings) for i in range(burst)]
            wait(jobs)
            for job in jobs:
                job.result()
            before, done = done, done + burst
            if done // args.every != before // args.every:
                print(report(done, args.tracemalloc), flush=True)


if __name__ == "__main__":
    sys.exit(main())
