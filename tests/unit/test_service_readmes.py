"""Each service's README says how to run it alone: that command, run as written (on a
free port), starts a service that answers /healthz."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
READMES = sorted((ROOT / "services").glob("*/README.md"))
START_SECONDS = 60.0


def alone_command(readme: Path) -> str:
    """The first shell block of the README's "Run it alone" section."""
    section = readme.read_text().split("## Run it alone", 1)[1]
    match = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert match, f"{readme} shows no command under 'Run it alone'"
    return match.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def uv_dir() -> str:
    """Where the pinned uv is (the Makefile finds it the same way)."""
    uv = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-uv.sh")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return str(Path(uv).parent)


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the service exited with {process.returncode}")
        try:
            return httpx.get(url, timeout=1.0)
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {START_SECONDS:.0f} s")


def test_every_service_has_a_readme():
    assert [p.parent.name for p in READMES] == [
        "aggregate_service",
        "aggregate_service_go",
        "extract_service",
        "split_service",
        "upload_service",
    ]


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.parent.name)
def test_the_readme_command_runs_the_service_alone(readme: Path, tmp_path: Path):
    port = free_port()
    command, replaced = re.subn(r"--port \d+", f"--port {port}", alone_command(readme))
    assert replaced == 1, "the command names its port once"
    # Only what a fresh shell would have: the README must say which secrets it needs.
    env = {k: v for k, v in os.environ.items() if k not in ("APP_API_TOKEN", "INVOICE_API_KEY")}
    env["PATH"] = f"{uv_dir()}{os.pathsep}{env.get('PATH', '')}"
    log = tmp_path / "service.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # uv starts uvicorn as a child: stop the whole group
        )
        try:
            response = wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        except BaseException:
            print(log.read_text())
            raise
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
