"""One compose project on this machine's engine: prepare its files, build, start, wait,
inspect and stop it. `make compose-up` drives the default one; the tests start their own
(another name, free ports) through the same class."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from invoice_stack.compose.spec import (
    CONTAINER_LAYOUT,
    DAPR_CONTEXT,
    JAEGER_CONTEXT,
    TELEMETRY_CONFIGS,
    env_file,
    go_context,
)
from invoice_stack.layout import go_binary
from invoice_stack.supervisor.dapr_config import supports_sqlite_resolver, write_stack_config
from invoice_stack.tokens import StackTokens, write_private
from invoice_stack.topology import sidecar as sidecar_flags
from invoice_stack.topology import telemetry
from invoice_stack.topology.ports import DEFAULT_PORTS, StackPorts
from invoice_stack.topology.processes import DEFAULT_TRACE_SAMPLING

DAPR_BINARIES = ("daprd", "placement", "scheduler")


class ComposeError(RuntimeError):
    """A step of bringing the compose stack up failed; the message says which and why."""


def run_script(repo: Path, name: str, *args: str) -> str:
    """Run scripts/`name`; its last stdout line, or ComposeError with its own words."""
    done = subprocess.run(
        ["bash", str(repo / "scripts" / name), *args], stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise ComposeError(f"scripts/{name} failed (exit {done.returncode}); see its output above")
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def stage_dapr(repo: Path, bin_dir: Path) -> None:
    """Put the Dapr binaries where the dapr image's build context expects them."""
    binaries = [bin_dir / name for name in DAPR_BINARIES]
    _stage(repo / DAPR_CONTEXT, binaries, repo / "docker" / "dapr.Dockerfile")


def _stage(target: Path, binaries: list[Path], dockerfile: Path) -> None:
    """A build context of `binaries` (hard links where possible) and `dockerfile`."""
    target.mkdir(parents=True, exist_ok=True)
    for binary in binaries:
        source, dest = binary.resolve(), target / binary.name
        # The very file (a hard link), or a copy no older: a cached build named by its
        # sources' hash may be older than the one staged before it.
        if dest.exists() and (dest.samefile(source) or _same_bytes(dest, source)):
            continue
        dest.unlink(missing_ok=True)
        try:
            os.link(source, dest)
        except OSError:  # another filesystem
            shutil.copy2(source, dest)
    shutil.copy2(dockerfile, target / "Dockerfile")


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    return a.read_bytes() == b.read_bytes()


@dataclass
class ComposeProject:
    repo: Path
    name: str
    compose_file: Path
    env_path: Path
    overlays: tuple[Path, ...] = ()  # compose files merged over compose_file (replicas)

    @property
    def files(self) -> list[Path]:
        return [self.compose_file, *self.overlays]

    def command(self, *args: str) -> list[str]:
        files = [arg for path in self.files for arg in ("--file", str(path))]
        return [
            "docker", "compose",
            "--project-name", self.name,
            "--project-directory", str(self.repo),
            *files,
            "--env-file", str(self.env_path),
            *args,
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        """Our environment without the variables the env file sets: Compose lets the
        shell's win, and a stale INVOICE_API_KEY there would change the stack's key."""
        try:
            lines = self.env_path.read_text().splitlines()
        except FileNotFoundError:
            lines = []
        ours = {line.split("=", 1)[0] for line in lines if "=" in line and line[0] != "#"}
        return {k: v for k, v in os.environ.items() if k not in ours}

    def run(self, *args: str, check: bool = True, capture: bool = False) -> str:
        done = subprocess.run(
            self.command(*args),
            env=self.environment(),
            cwd=self.repo,
            text=True,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.STDOUT if capture else None,
        )
        if check and done.returncode != 0:
            raise ComposeError(f"`docker compose {' '.join(args)}` failed ({done.returncode})"
                               + (f":\n{done.stdout}" if capture else ""))  # fmt: skip
        return done.stdout or ""

    def write_env(self, tokens: StackTokens, base_image: str, dapr_version: str) -> None:
        # With overlays, COMPOSE_FILE names them all, so plain `docker compose` commands
        # in the repo see the replicas too (paths relative to the project directory).
        files = [str(p.relative_to(self.repo)) if p.is_relative_to(self.repo) else str(p)
                 for p in self.files] if self.overlays else []  # fmt: skip
        write_private(self.env_path, env_file(tokens, base_image, dapr_version, tuple(files)))

    def up(self, timeout: int = 300) -> None:
        """Build, start, and wait until every container is healthy; else say which not.
        Containers of services no longer asked for (replicas, say) are removed."""
        done = subprocess.run(
            self.command(
                "up",
                "--detach",
                "--build",
                "--remove-orphans",
                "--wait",
                "--wait-timeout",
                str(timeout),
            ),
            env=self.environment(),
            cwd=self.repo,
        )
        if done.returncode != 0:
            raise ComposeError(
                "the compose stack did not become healthy:\n" + self.unhealthy_report()
            )

    def container(self, service: str) -> str:
        return self.run("ps", "--all", "--quiet", service, capture=True).strip()

    def health(self) -> dict[str, str]:
        """service -> its health (or state, for a container without a check)."""
        out = self.run(
            "ps", "--all", "--format", "{{.Service}} {{.Health}} {{.State}}",
            capture=True, check=False,
        )  # fmt: skip
        result = {}
        for line in out.splitlines():
            if " " not in line:  # not a container's line (an engine that is down, say)
                continue
            service, *rest = line.split()
            result[service] = rest[0] if len(rest) == 2 else rest[-1]
        return result

    def unhealthy_report(self, lines: int = 15) -> str:
        report = []
        for service, health in sorted(self.health().items()):
            if health != "healthy":
                tail = self.run("logs", "--no-color", "--tail", str(lines), service,
                                check=False, capture=True)  # fmt: skip
                report.append(f"--- {service}: {health}; its last log lines:\n{tail}")
        return "\n".join(report) or "(every container is healthy now)"

    def down(self, volumes: bool = False) -> None:
        self.run("down", "--remove-orphans", *(["--volumes"] if volumes else []))


def pinned_versions(repo: Path) -> dict[str, str]:
    """scripts/versions.env as a dict (the pins the scripts read too)."""
    lines = (repo / "scripts" / "versions.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def prepare(
    project: ComposeProject,
    run_dir: Path,
    tokens: StackTokens,
    config_target: Path,
    extract_limit: int | None = None,
    ports: StackPorts = DEFAULT_PORTS,
    go_apps: tuple[str, ...] = (),
) -> None:
    """Everything the compose file needs besides the repo: a running engine, Compose v2,
    the Dapr binaries (and those of `go_apps`) staged, the base image, the sidecars'
    configuration, and `.env` with the base image and the secrets."""
    repo = project.repo
    run_script(repo, "docker-engine.sh", "start")
    run_script(repo, "install-compose.sh")
    bin_dir = Path(run_script(repo, "install-dapr.sh"))
    jaeger_dir = Path(run_script(repo, "install-jaeger.sh"))
    base_image = run_script(repo, "base-image.sh")
    stage_dapr(repo, bin_dir)
    _stage(repo / JAEGER_CONTEXT, [jaeger_dir / "jaeger"], repo / "docker" / "jaeger.Dockerfile")
    for app_id in go_apps:
        dockerfile = repo / "docker" / "go-service.Dockerfile"
        _stage(repo / go_context(app_id), [go_binary(repo, app_id)], dockerfile)
    write_stack_config(
        repo / sidecar_flags.CONFIG_FILE,
        Path("/stack/run"),
        supports_sqlite_resolver(bin_dir),
        extract_limit,
        target=config_target,
        tracing=telemetry.sidecar_tracing(ports, DEFAULT_TRACE_SAMPLING),
    )
    # Beside the sidecars' configuration, where the compose file mounts them from.
    beside = config_target.parent
    beside.joinpath(TELEMETRY_CONFIGS["jaeger"]).write_text(telemetry.jaeger_config(ports))
    beside.joinpath(TELEMETRY_CONFIGS["prometheus"]).write_text(
        telemetry.prometheus_config(ports, CONTAINER_LAYOUT.repo)
    )
    project.write_env(tokens, base_image, pinned_versions(repo)["DAPR_RUNTIME_VERSION"])
    (run_dir / "artifacts").mkdir(parents=True, exist_ok=True)


def ports_in_use(ports: Sequence[int]) -> list[int]:
    """Which of `ports` something on this machine already listens on (loopback)."""
    taken = []
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                taken.append(port)
    return taken
