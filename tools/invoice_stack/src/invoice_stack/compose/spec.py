"""`docker-compose.yml` from the topology (pure): the same processes, flags, ports and
health checks as `make up`, one container each, host networking only.

The containers see the stack at fixed paths (CONTAINER_LAYOUT); secrets are `${...}`
references that Compose fills from `.env` (written by `make compose-up`, git-ignored).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from invoice_shared.dapr_names import EXTRACT_APP_ID
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import APP_IDS, ProcessSpec, StackLayout, build_processes
from invoice_stack.topology.apps import CONSOLE, GO_SOURCES, HOST_APP_ID
from invoice_stack.topology.ports import DEFAULT_PORTS, StackPorts
from invoice_stack.topology.processes import app_instances

# Where things are inside every container.
CONTAINER_LAYOUT = StackLayout(
    repo=Path("/stack"),
    bin_dir=Path("/usr/local/bin"),
    run_dir=Path("/stack/run"),
    source_dir=Path("/stack/data"),
    jaeger=Path("/usr/local/bin/jaeger"),
    prometheus=Path("/usr/bin/prometheus"),
)
# The directory of each Python app in the workspace (and in its image, under /app).
APP_DIRS = {
    "upload-service": "services/upload_service",
    "split-service": "services/split_service",
    "extract-service": "services/extract_service",
    "aggregate-service": "services/aggregate_service",
    "workflow-app": "workflow_app",
    CONSOLE: "console",
}
# The uv package of each (the apps' ids are their package names).
PACKAGES = {**{app_id: app_id for app_id in APP_DIRS}, CONSOLE: "invoice-console"}
# Compose variables (from `.env`): the base image and the secrets.
BASE_IMAGE_VAR = "INVOICE_BASE_IMAGE"
# What scripts/install-ocr.sh installs on a host, for the extract service's image.
OCR_PACKAGES = ("tesseract-ocr", *(f"tesseract-ocr-{lang}" for lang in
                                   ("eng", "deu", "fra", "nld", "spa", "ita", "por")))  # fmt: skip
DAPR_IMAGE = "invoice/dapr:${INVOICE_DAPR_VERSION}"
DAPR_CONTEXT = ".run/docker/dapr"  # the Dapr binaries, staged by `make compose-up`
STACK_CONFIG = ".run/compose/dapr-config.yaml"  # written by `make compose-up`
# Written by `make compose-up` when replicas (WORKFLOW_REPLICAS=3 ...) or an app's Go
# implementation (AGGREGATE_IMPL=go) are asked for: services added to docker-compose.yml's
# or put in place of one (see overrides()).
OVERRIDES_FILE = ".run/compose/overrides.yml"
JAEGER_CONTEXT = ".run/docker/jaeger"  # the Jaeger binary, staged by `make compose-up`
# Written beside the sidecars' configuration, from the topology (topology/telemetry.py).
TELEMETRY_CONFIGS = {
    "jaeger": CONTAINER_LAYOUT.jaeger_config.name,
    "prometheus": CONTAINER_LAYOUT.prometheus_config.name,
}
VOLUMES = {  # named volume -> mount point under the container run directory
    "redis-data": "redis",
    "placement-data": "placement",
    "scheduler-data": "scheduler",
    "artifacts": "artifacts",
    "prometheus-data": "prometheus",
}
_PROBE_HTTP = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=3)"
_PROBE_REDIS = (
    "import socket, sys; s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), 3); "
    "s.sendall(b'PING\\r\\n'); sys.exit(0 if s.recv(64).startswith(b'+PONG') else 1)"
)


def go_program(app_id: str) -> str:
    """The executable of `app_id`'s Go implementation (scripts/build-go-service.sh)."""
    return Path(GO_SOURCES[app_id]).name.replace("_", "-")


def go_context(app_id: str) -> str:
    """Where `make compose-up` stages that executable with docker/go-service.Dockerfile."""
    return f".run/docker/{go_program(app_id)}"


def secret_var(app_id: str, name: str) -> str:
    """The `.env` variable holding secret `name` of `app_id`."""
    return f"{app_id.upper().replace('-', '_')}_{name}"


def _placeholder_tokens() -> StackTokens:
    return StackTokens(
        api_key="${INVOICE_API_KEY}",
        app_tokens={a: "${" + secret_var(a, "APP_API_TOKEN") + "}" for a in APP_IDS},
        dapr_tokens={a: "${" + secret_var(a, "DAPR_API_TOKEN") + "}" for a in APP_IDS},
    )


def env_file(
    tokens: StackTokens, base_image: str, dapr_version: str, compose_files: tuple[str, ...] = ()
) -> str:
    """`.env` for Compose: the values behind every `${...}` of the compose file, and
    `compose_files` as COMPOSE_FILE, so that a plain `docker compose ps` sees replicas."""
    lines = [
        "# Written by `make compose-up` from .run/tokens.json: secrets, never commit.",
        *([f"COMPOSE_FILE={':'.join(compose_files)}"] if compose_files else []),
        f"{BASE_IMAGE_VAR}={base_image}",
        f"INVOICE_DAPR_VERSION={dapr_version}",
        f"INVOICE_API_KEY={tokens.api_key}",
    ]
    for app_id in APP_IDS:
        lines.append(f"{secret_var(app_id, 'APP_API_TOKEN')}={tokens.app_tokens[app_id]}")
        lines.append(f"{secret_var(app_id, 'DAPR_API_TOKEN')}={tokens.dapr_tokens[app_id]}")
    return "\n".join(lines) + "\n"


def _healthcheck(spec: ProcessSpec) -> dict[str, Any]:
    if spec.health.redis_port is not None:
        test = ["CMD", "python3", "-c", _PROBE_REDIS, str(spec.health.redis_port)]
    else:
        assert spec.health.url is not None
        test = ["CMD", "python3", "-c", _PROBE_HTTP, spec.health.url]
    return {"test": test, "interval": "5s", "timeout": "4s", "retries": 3, "start_period": "60s"}


def _app_names(ports: StackPorts) -> dict[str, str]:
    """Process name -> app id, for every app instance (replicas included) and the console."""
    return {instance.name: instance.app_id for instance in app_instances(ports)} | {
        CONSOLE: CONSOLE
    }


def _kind(name: str, apps: dict[str, str]) -> str:
    if name in apps:
        return "app"
    return "sidecar" if name.endswith("-dapr") else name


def _service(
    spec: ProcessSpec,
    apps: dict[str, str],
    depends: dict[str, str],
    config: str,
    data: str,
    go_apps: tuple[str, ...] = (),
) -> dict[str, Any]:
    kind = _kind(spec.name, apps)
    run = CONTAINER_LAYOUT.run_dir
    service: dict[str, Any] = {}
    in_go = kind == "app" and apps[spec.name] in go_apps
    if in_go:
        # Its own image, of one static binary; the contract needs no artifacts.
        program = go_program(apps[spec.name])
        service["image"] = f"invoice/{program}:latest"
        if spec.name == apps[spec.name]:
            service["build"] = {
                "context": go_context(apps[spec.name]),
                "dockerfile": "Dockerfile",
                "network": "host",
                "args": {"BASE_IMAGE": "${" + BASE_IMAGE_VAR + "}"},
            }
        else:
            service["pull_policy"] = "never"
        command = [program, *spec.argv[1:]]
    elif kind == "app" and spec.name != apps[spec.name]:
        # A replica: the image its first instance builds, its process named apart.
        service["image"] = f"invoice/{apps[spec.name]}:latest"
        service["pull_policy"] = "never"
        command = ["python", *spec.argv[1:]]
        service["volumes"] = [
            f"{data}:{CONTAINER_LAYOUT.source_dir}:ro",
            f"artifacts:{run}/artifacts",
        ]
    elif kind == "app":
        app_dir = APP_DIRS[spec.name]
        service["image"] = f"invoice/{spec.name}:latest"
        service["build"] = {
            "context": ".",
            "dockerfile": "docker/python-app.Dockerfile",
            "network": "host",
            "args": {
                "BASE_IMAGE": "${" + BASE_IMAGE_VAR + "}",
                "PACKAGE": PACKAGES[spec.name],
                "APP_DIR": app_dir,
                **({"APT_PACKAGES": " ".join(OCR_PACKAGES)} if spec.name == EXTRACT_APP_ID else {}),
            },
        }
        # The image's venv, not the interpreter that rendered this file.
        command = ["python", *spec.argv[1:]]
        if spec.name != CONSOLE:  # the console reads nothing but the host's API
            service["volumes"] = [
                f"{data}:{CONTAINER_LAYOUT.source_dir}:ro",
                f"artifacts:{run}/artifacts",
            ]
        service["develop"] = {
            "watch": [
                {
                    "action": "sync+restart",
                    "path": f"./{app_dir}/src",
                    "target": f"/app/{app_dir}/src",
                },
                {"action": "sync+restart", "path": "./shared/src", "target": "/app/shared/src"},
                {"action": "rebuild", "path": f"./{app_dir}/pyproject.toml"},
                {"action": "rebuild", "path": "./uv.lock"},
            ]
        }
    else:
        # Images built here from our base image: (image, build context, Dockerfile).
        built = {
            "redis": ("invoice/redis:latest", "docker", "redis.Dockerfile"),
            "prometheus": ("invoice/prometheus:latest", "docker", "prometheus.Dockerfile"),
            # Staged contexts (binaries + docker/<name>.Dockerfile as "Dockerfile").
            "jaeger": ("invoice/jaeger:latest", JAEGER_CONTEXT, "Dockerfile"),
            "placement": (DAPR_IMAGE, DAPR_CONTEXT, "Dockerfile"),
        }
        if kind in built:
            image, context, dockerfile = built[kind]
            service["image"] = image
            service["build"] = {
                "context": context,
                "dockerfile": dockerfile,
                "network": "host",
                "args": {"BASE_IMAGE": "${" + BASE_IMAGE_VAR + "}"},
            }
        else:  # scheduler and the sidecars: the image placement's build makes
            service["image"] = DAPR_IMAGE
            service["pull_policy"] = "never"
        # The binaries by name: the image puts them on PATH.
        command = [Path(spec.argv[0]).name, *spec.argv[1:]]
        volumes = [f"{vol}:{run}/{sub}" for vol, sub in VOLUMES.items() if sub == spec.name]
        if kind in TELEMETRY_CONFIGS:
            # A string, not a Path: Compose reads a relative path without "./" as a volume.
            beside = f"{config.rsplit('/', 1)[0]}/{TELEMETRY_CONFIGS[kind]}"
            volumes.append(f"{beside}:{run}/{TELEMETRY_CONFIGS[kind]}:ro")
        if kind == "prometheus":  # the alert rules its configuration names
            volumes.append(f"./observability:{CONTAINER_LAYOUT.repo}/observability:ro")
        if kind == "sidecar":
            volumes = [
                "./components:/stack/components:ro",
                f"{config}:{CONTAINER_LAYOUT.dapr_config}:ro",
                f"stack-run:{run}",
            ]
        service["volumes"] = volumes
    service["command"] = command
    if spec.env:
        service["environment"] = dict(spec.env)
    service["network_mode"] = "host"
    service["restart"] = "unless-stopped"
    service["healthcheck"] = _healthcheck(spec)
    if depends:
        service["depends_on"] = {name: {"condition": c} for name, c in depends.items()}
    return service


def _depends(spec: ProcessSpec, apps: dict[str, str]) -> dict[str, str]:
    """The start order of `make up`: infrastructure, then each app, then its sidecar."""
    kind = _kind(spec.name, apps)
    if spec.name == CONSOLE:
        return {HOST_APP_ID: "service_healthy"}
    if kind == "app":
        return {"redis": "service_healthy", "placement": "service_healthy",
                "scheduler": "service_healthy"}  # fmt: skip
    if kind == "sidecar":
        app = spec.name.removesuffix("-dapr")
        # A host's sidecar is healthy only once the host is ready, which needs it.
        return {app: "service_started" if apps[app] == HOST_APP_ID else "service_healthy"}
    return {}


def compose_file(
    ports: StackPorts = DEFAULT_PORTS,
    app_env: dict[str, str] | None = None,
    config: str = f"./{STACK_CONFIG}",
    data: str = "./data",
    name: str = "invoice",
    env_by_service: dict[str, dict[str, str]] | None = None,
    go_apps: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The compose document for a stack on `ports` (replicas included): `app_env` added
    to every app, `env_by_service` to the services it names, the sidecars' Dapr
    configuration read from `config`, the upload service's source folder mounted from
    `data`, and the apps of `go_apps` running their Go implementation."""
    layout = replace(
        CONTAINER_LAYOUT,
        go_apps={app_id: CONTAINER_LAYOUT.bin_dir / go_program(app_id) for app_id in go_apps},
    )
    specs = build_processes(layout, ports, _placeholder_tokens(), app_env)
    apps = _app_names(ports)
    services = {
        spec.name: _service(spec, apps, _depends(spec, apps), config, data, go_apps)
        for spec in specs
    }
    for service, env in (env_by_service or {}).items():
        services[service].setdefault("environment", {}).update(env)
    return {
        "name": name,
        "services": services,
        "volumes": {name: {} for name in ["stack-run", *VOLUMES]},
    }


class Override(dict[str, Any]):
    """A service that takes the place of docker-compose.yml's of the same name (written
    with Compose's `!override` tag: replaced whole, not merged)."""


def overrides(ports: StackPorts, go_apps: tuple[str, ...] = ()) -> dict[str, Any]:
    """The second compose file for replicas and Go implementations: the services the
    one-instance Python stack (docker-compose.yml, unchanged) lacks, and those that
    differ from its own, in place of them."""
    base = compose_file(replace(ports, replicas={}))["services"]
    services = compose_file(ports, go_apps=go_apps)["services"]
    return {
        "services": {
            name: service if name not in base else Override(service)
            for name, service in services.items()
            if base.get(name) != service
        }
    }


class _Dumper(yaml.SafeDumper):
    """YAML with Compose's `!override` tag for Override mappings."""


_Dumper.add_representer(
    Override, lambda dumper, data: dumper.represent_mapping("!override", dict(data))
)


HEADER = """\
# Generated by `make generate` (python -m invoice_stack.render) from invoice_stack.topology;
# edit the topology, not this file (a unit test fails while this file is stale).
# The whole stack in containers, one per process, host networking only:
#   make compose-up     (engine, base image, build, start, wait until every one is healthy)
#   docker compose up --build   (once `make compose-up` has written .env and .run/compose)
#   docker compose watch        (syncs Python sources and restarts the app)
"""


OVERRIDES_HEADER = """\
# Written by `make compose-up` for what it was asked beyond docker-compose.yml: replicas
# (WORKFLOW_REPLICAS, EXTRACT_REPLICAS, ...: services <app id>-<n> and <app id>-<n>-dapr)
# and Go implementations (AGGREGATE_IMPL=go: the app's service replaced, `!override`).
# `.env` names this file in COMPOSE_FILE, so plain `docker compose` commands read it too.
"""


def render(document: dict[str, Any], header: str = HEADER) -> str:
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=100, default_flow_style=None)
    return header + text
