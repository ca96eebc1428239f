"""`python -m invoice_stack.compose up|build|down|status` (`make compose-up`, `make compose-down`).

up: start the engine (installing it where missing), build Compose v2 and the base image
once, stage the Dapr binaries, write `.env` and the sidecars' configuration, then
`docker compose up --build --wait`. The API and `.run/cli.env` are those of `make up`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

from invoice_stack.compose.project import (
    ComposeError,
    ComposeProject,
    ports_in_use,
    prepare,
)
from invoice_stack.compose.spec import STACK_CONFIG
from invoice_stack.layout import default_run_dir, find_repo
from invoice_stack.tokens import StackTokens, write_collection_env
from invoice_stack.topology import APP_IDS, api_url
from invoice_stack.topology.credentials import API_KEY_VAR
from invoice_stack.topology.ports import DEFAULT_PORTS, StackPorts


def _all_ports(ports: StackPorts) -> list[int]:
    infra = [ports.redis, ports.placement, ports.scheduler, ports.scheduler_etcd_client,
             ports.jaeger_query, ports.otlp_grpc, ports.otlp_http, ports.prometheus]  # fmt: skip
    return infra + [p for app in ports.apps.values() for p in (app.app, app.dapr_http)]


def default_project() -> ComposeProject:
    repo = find_repo()
    return ComposeProject(repo, "invoice", repo / "docker-compose.yml", repo / ".env")


def _prepare(project: ComposeProject) -> None:
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
    )


def up() -> int:
    project = default_project()
    started = time.monotonic()
    running = project.env_path.exists() and shutil.which("docker") and project.health()
    if not running:
        taken = ports_in_use(_all_ports(DEFAULT_PORTS))
        if taken:
            raise ComposeError(
                f"ports {taken} are in use on 127.0.0.1: another stack runs here (`make down` "
                "stops the one `make up` started); the compose stack uses the same ports"
            )
    _prepare(project)
    project.up()
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
            _prepare(project)
            project.run("build")
            return 0
        if args.command == "down":
            if project.env_path.exists():
                project.down(volumes=args.volumes)
            return 0
        for service, health in sorted(project.health().items()):
            print(f"{service:22} {health}")
        return 0
    except ComposeError as error:
        print(f"compose: {error}", file=sys.stderr)
        return 1
