"""One implementation of one service, running on a free loopback port with directories
of its own: what the contract vectors are sent to (no sidecar: the vectors present the
token a sidecar would)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from invoice_stack.layout import go_binary
from invoice_stack.topology.apps import APP_MODULES, GO_SOURCES

PYTHON = "python"
GO = "go"
# The implementations of each service; the first is the reference the vectors are
# recorded from.
IMPLEMENTATIONS: dict[str, tuple[str, ...]] = {
    app_id: (PYTHON, GO) if app_id in GO_SOURCES else (PYTHON,) for app_id in APP_MODULES
}


@dataclass(frozen=True)
class RunningService:
    app_id: str
    implementation: str
    url: str
    token: str
    artifact_dir: Path
    source_dir: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _argv(repo: Path, app_id: str, implementation: str, port: int) -> list[str]:
    if implementation == GO:
        return [str(go_binary(repo, app_id)), "--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-m", "uvicorn", APP_MODULES[app_id],
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]  # fmt: skip


@contextmanager
def running_service(
    repo: Path, app_id: str, implementation: str, workdir: Path
) -> Iterator[RunningService]:
    """Start it, wait for /healthz, stop it on leaving; its log in `workdir`."""
    artifact_dir, source_dir = workdir / "artifacts", workdir / "source"
    artifact_dir.mkdir(parents=True, exist_ok=True)
    source_dir.mkdir(parents=True, exist_ok=True)
    port, token = _free_port(), secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "APP_ID": app_id,
        "APP_API_TOKEN": token,
        "ARTIFACT_DIR": str(artifact_dir),
        "SOURCE_BASE_DIR": str(source_dir),
        "LOG_LEVEL": "WARNING",
    }
    for unset in ("OTEL_EXPORTER_OTLP_ENDPOINT", "DAPR_HTTP_PORT", "DAPR_GRPC_PORT"):
        env.pop(unset, None)
    log_path = workdir / f"{app_id}-{implementation}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        _argv(repo, app_id, implementation, port), env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log_path)
        yield RunningService(app_id, implementation, url, token, artifact_dir, source_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url}: not healthy after 60 s:\n{log.read_text()}")
