"""`python -m invoice_stack.compose up|build|down|status` (`make compose-up`, `make compose-down`).

up: start the engine (installing it where missing), build Compose v2 and the base image
once, stage the Dapr binaries, write `.env` and the sidecars' configuration, then
`docker compose up --build --wait`. The API and `.run/cli.env` are those of `make up`,
and so are the replicas and implementations: `WORKFLOW_REPLICAS=3 EXTRACT_REPLICAS=2
AGGREGATE_IMPL=go make compose-up` writes them in a second compose file (OVERRIDES_FILE),
replicas on the ports `make up` gives them.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
import time

from invoice_stack.compose.project import (
    ComposeError,
    ComposeProject,
    ports_in_use,
    prepare,
)
from invoice_stack.compose.spec import (
    OVERRIDES_FILE,
    OVERRIDES_HEADER,
    STACK_CONFIG,
    overrides,
    render,
)
from invoice_stack.layout import default_run_dir, find_repo
from invoice_stack.tokens import StackTokens, write_collection_env
from invoice_stack.topology import APP_IDS, api_url
from invoice_stack.topology.apps import go_apps, replica_counts
from invoice_stack.topology.credentials import API_KEY_VAR
from invoice_stack.topology.ports import DEFAULT_PORTS, StackPorts, all_ports, with_replicas


def default_project() -> ComposeProject:
    """The stack of docker-compose.yml, with the overrides file when one was written."""
    repo = find_repo()
    overlay = repo / OVERRIDES_FILE
    return ComposeProject(
        repo,
        "invoice",
        repo / "docker-compose.yml",
        repo / ".env",
        overlays=(overlay,) if overlay.exists() else (),
    )


def _write_overrides(
    project: ComposeProject, ports: StackPorts, in_go: tuple[str, ...]
) -> ComposeProject:
    """The overrides file for `ports` and `in_go` (removed when the plain stack is asked
    for); the project with it."""
    overlay = project.repo / OVERRIDES_FILE
    if not ports.replicas and not in_go:
        overlay.unlink(missing_ok=True)
        return dataclasses.replace(project, overlays=())
    overlay.parent.mkdir(parents=True, exist_ok=True)
    overlay.write_text(render(overrides(ports, in_go), header=OVERRIDES_HEADER))
    return dataclasses.replace(project, overlays=(overlay,))


def _prepare(
    project: ComposeProject, ports: StackPorts = DEFAULT_PORTS, in_go: tuple[str, ...] = ()
) -> None:
    """Engine, Compose, Dapr binaries, base image, secrets and configuration."""
    repo, run_dir = project.repo, default_run_dir(project.repo)
    tokens = StackTokens.load_or_create(run_dir, APP_IDS, os.environ.get(API_KEY_VAR) or None)
    write_collection_env(repo, tokens)
    limit = os.environ.get("EXTRACT_CONCURRENCY_LIMIT")
    prepare(
        project,
        run_dir,
        tokens=tokens,
        config_target=repo / STACK_CONFIG,
        extract_limit=int(limit) if limit else None,
        ports=ports,
        go_apps=in_go,
    )


def _asked() -> tuple[StackPorts, tuple[str, ...]]:
    """The replicas and Go implementations the environment asks for (ValueError if
    a variable makes no sense)."""
    return with_replicas(DEFAULT_PORTS, replica_counts(os.environ)), go_apps(os.environ)


def up() -> int:
    try:
        ports, in_go = _asked()
    except ValueError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    project = default_project()
    started = time.monotonic()
    running = project.env_path.exists() and shutil.which("docker") and project.health()
    project = _write_overrides(project, ports, in_go)
    if not running:
        taken = ports_in_use(all_ports(ports))
        if taken:
            raise ComposeError(
                f"ports {taken} are in use on 127.0.0.1: another stack runs here (`make down` "
                "stops the one `make up` started); the compose stack uses the same ports"
            )
    _prepare(project, ports, in_go)
    project.up()
    if running:  # its scrape targets may have changed with the replicas: reread them
        project.run("kill", "--signal", "SIGHUP", "prometheus", check=False, capture=True)
    print(f"compose stack healthy in {time.monotonic() - started:.0f} s")
    print(f"API: {api_url(DEFAULT_PORTS)}/docs   key and dapr CLI token: source .run/cli.env")
    print(
        f"traces: http://127.0.0.1:{DEFAULT_PORTS.jaeger_query}/api/ (Jaeger), "
        f"metrics: http://127.0.0.1:{DEFAULT_PORTS.prometheus} (Prometheus)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoice_stack.compose")
    parser.add_argument("command", choices=["up", "build", "down", "status"])
    parser.add_argument("--volumes", action="store_true", help="down: remove the volumes too")
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            return up()
        project = default_project()
        if args.command == "build":
            ports, in_go = _asked()
            project = _write_overrides(project, ports, in_go)
            _prepare(project, ports, in_go)
            project.run("build")
            return 0
        if args.command == "down":
            if project.env_path.exists():
                project.down(volumes=args.volumes)
            return 0
        for service, health in sorted(project.health().items()):
            print(f"{service:22} {health}")
        return 0
    except (ComposeError, ValueError) as error:
        print(f"compose: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:  # a build (a Go service, say) failed
        print(f"compose: {' '.join(map(str, error.cmd))} failed (see above)", file=sys.stderr)
        return 1
