"""What the local stack runs: one ProcessSpec per process, in start order (pure)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from invoice_stack.topology import sidecar, telemetry
from invoice_stack.topology.apps import APP_IDS, APP_MODULES, CONSOLE, CONSOLE_MODULE, HOST_APP_ID
from invoice_stack.topology.credentials import API_KEY_VAR, APP_TOKEN_VAR, DAPR_TOKEN_VAR
from invoice_stack.topology.ports import LOOPBACK, AppPorts, StackPorts

if TYPE_CHECKING:  # tokens.py reads the credential names from this package
    from invoice_stack.tokens import StackTokens


# Every request is traced on the local stacks; TRACE_SAMPLING_RATE lowers it.
DEFAULT_TRACE_SAMPLING = 1.0


@dataclass(frozen=True)
class Health:
    """How to tell a process is up: an HTTP URL answering 2xx, or a Redis PING."""

    url: str | None = None
    redis_port: int | None = None


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    health: Health
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StackLayout:
    """Where things live: the repo, the Dapr binaries and the run directory."""

    repo: Path
    bin_dir: Path
    run_dir: Path
    source_dir: Path
    # Traces and metrics: left out of the stack when not given.
    jaeger: Path | None = None
    prometheus: Path | None = None
    # app id -> the executable of its Go implementation, for apps that run it instead.
    go_apps: Mapping[str, Path] = field(default_factory=dict)

    @property
    def artifact_dir(self) -> Path:
        return self.run_dir / "artifacts"

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def jaeger_config(self) -> Path:
        return self.run_dir / "jaeger.yaml"

    @property
    def prometheus_config(self) -> Path:
        return self.run_dir / "prometheus.yml"

    @property
    def dapr_config(self) -> Path:
        """Written by the supervisor before start (see dapr_config.py)."""
        return self.run_dir / "dapr-config.yaml"


def build_processes(
    layout: StackLayout,
    ports: StackPorts,
    tokens: StackTokens,
    app_env: dict[str, str] | None = None,
    infra_only: bool = False,
    trace_sampling: float = DEFAULT_TRACE_SAMPLING,
) -> list[ProcessSpec]:
    """Redis, placement, scheduler, Jaeger and Prometheus (those two when the layout has
    them), then (unless `infra_only`) each app and its sidecar, and the console."""
    procs = [_redis(layout, ports), _placement(layout, ports), _scheduler(layout, ports)]
    if layout.jaeger is not None:
        procs.append(_jaeger(layout, ports))
    if layout.prometheus is not None:
        procs.append(_prometheus(layout, ports))
    if infra_only:
        return procs
    tracing = telemetry.app_tracing_env(ports, trace_sampling) if layout.jaeger is not None else {}
    for instance in app_instances(ports):
        env = {**_app_secrets(tokens, instance.app_id), **tracing, **(app_env or {})}
        procs.append(_app(layout, instance, env))
        procs.append(_sidecar(layout, ports, instance, tokens))
    procs.append(_console(layout, ports))
    return procs


@dataclass(frozen=True)
class AppInstance:
    """One running copy of an app: `name` is its process (the app id for the first
    replica, `<app id>-<n>` for replica n), its sidecar is `<name>-dapr`."""

    name: str
    app_id: str
    ports: AppPorts


def app_instances(ports: StackPorts) -> list[AppInstance]:
    """Every app's instances, in start order: the services before the host."""
    return [
        instance
        for app_id in APP_IDS
        for instance in [
            AppInstance(app_id, app_id, ports.apps[app_id]),
            *(
                AppInstance(f"{app_id}-{n}", app_id, more)
                for n, more in enumerate(ports.replicas.get(app_id, ()), start=2)
            ),
        ]
    ]


def _app_secrets(tokens: StackTokens, app_id: str) -> dict[str, str]:
    """What an app must know: the token its sidecar presents, the one it presents to its
    sidecar, and (the host only) the public API key."""
    env = _token_env(tokens, app_id)
    if app_id == HOST_APP_ID:
        env[API_KEY_VAR] = tokens.api_key
    return env


def _token_env(tokens: StackTokens, app_id: str) -> dict[str, str]:
    """The token pair an app and its sidecar share."""
    return {
        APP_TOKEN_VAR: tokens.app_tokens[app_id],
        DAPR_TOKEN_VAR: tokens.dapr_tokens[app_id],
    }


def _redis(layout: StackLayout, ports: StackPorts) -> ProcessSpec:
    data = layout.run_dir / "redis"
    return ProcessSpec(
        name="redis",
        argv=[
            "redis-server",
            "--port", str(ports.redis),
            "--bind", LOOPBACK,
            "--dir", str(data),
            # AOF, fsync every second: a killed Redis loses at most a second of state.
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
        ],
        health=Health(redis_port=ports.redis),
    )  # fmt: skip


# Threads running Go code at once in each Dapr process (daprd, scheduler, placement). Go
# takes one per core by default; then every process idles a thread spinning for work, and
# its monitor thread wakes every 20 µs to take back a core from one blocked in a network
# call (perf: 12% of the scheduler's and the host sidecar's CPU in runtime.sysmon, 9-13%
# in finding work). With one, the mixed corpus took 6% less CPU and 5% less time on two
# cores (scheduler -15%, host sidecar -12%; benchmarks/results/where-time-goes.md).
# Seven such processes share the machine; at that load the busiest used a third of a core.
GO_MAXPROCS = "1"


def _placement(layout: StackLayout, ports: StackPorts) -> ProcessSpec:
    return ProcessSpec(
        name="placement",
        argv=[
            str(layout.bin_dir / "placement"),
            "--port", str(ports.placement),
            "--listen-address", LOOPBACK,
            "--healthz-port", str(ports.placement_health),
            "--healthz-listen-address", LOOPBACK,
            "--metrics-port", str(ports.placement_metrics),
            "--initial-cluster", f"dapr-placement-0={LOOPBACK}:{ports.placement_raft}",
            "--raft-logstore-path", str(layout.run_dir / "placement"),
            "--log-level", "info",
        ],
        health=Health(url=f"http://{LOOPBACK}:{ports.placement_health}/healthz"),
        env={"GOMAXPROCS": GO_MAXPROCS},
    )  # fmt: skip


def _scheduler(layout: StackLayout, ports: StackPorts) -> ProcessSpec:
    return ProcessSpec(
        name="scheduler",
        argv=[
            str(layout.bin_dir / "scheduler"),
            "--port", str(ports.scheduler),
            "--listen-address", LOOPBACK,
            "--override-broadcast-host-port", f"{LOOPBACK}:{ports.scheduler}",
            "--healthz-port", str(ports.scheduler_health),
            "--healthz-listen-address", LOOPBACK,
            "--metrics-port", str(ports.scheduler_metrics),
            "--etcd-data-dir", str(layout.run_dir / "scheduler"),
            "--etcd-client-port", str(ports.scheduler_etcd_client),
            "--etcd-initial-cluster",
            f"dapr-scheduler-server-0=http://{LOOPBACK}:{ports.scheduler_etcd_peer}",
            # Every activity creates and deletes jobs (reminders); etcd keeps each
            # revision until compacted. Dapr's default keeps the last 1,000,000: memory
            # grew ~50% per 1,000 invoices in the soak. Periodic compaction every minute
            # keeps 1-2 minutes of history: level after ~2 minutes whatever the rate
            # (the level scales with it). Revision mode would compact only every 5
            # minutes (etcd's fixed interval), so it bounds less, and later.
            "--etcd-compaction-mode", "periodic",
            "--etcd-compaction-retention", "1m",
            # etcd keeps every raft entry since its last snapshot in memory (plus 5,000
            # for catching up), and Dapr's default snapshots every 100,000: the soak's
            # 1,000 invoices never reached one, so memory only grew. Every 5,000 bounds
            # it by a count, the same on any machine.
            "--etcd-snapshot-count", "5000",
            "--log-level", "info",
        ],
        health=Health(url=f"http://{LOOPBACK}:{ports.scheduler_health}/healthz"),
        env={"DAPR_HOST_IP": LOOPBACK, "GOMAXPROCS": GO_MAXPROCS},
    )  # fmt: skip


def _jaeger(layout: StackLayout, ports: StackPorts) -> ProcessSpec:
    assert layout.jaeger is not None
    return ProcessSpec(
        name=telemetry.JAEGER,
        argv=[str(layout.jaeger), f"--config=file:{layout.jaeger_config}"],
        # The query API answers once storage and receivers are up.
        health=Health(url=f"http://{LOOPBACK}:{ports.jaeger_query}/api/services"),
    )


def _prometheus(layout: StackLayout, ports: StackPorts) -> ProcessSpec:
    assert layout.prometheus is not None
    return ProcessSpec(
        name=telemetry.PROMETHEUS,
        argv=[
            str(layout.prometheus),
            f"--config.file={layout.prometheus_config}",
            f"--storage.tsdb.path={layout.run_dir / 'prometheus'}",
            "--storage.tsdb.retention.time=7d",
            f"--web.listen-address={LOOPBACK}:{ports.prometheus}",
        ],
        health=Health(url=f"http://{LOOPBACK}:{ports.prometheus}/-/ready"),
    )


# glibc gives threads that allocate their own malloc arenas (up to 8 per core), and a
# Python service's private memory then creeps up in steps that are not Python objects
# (the split service served alone, `python -m invoice_stack.longhaul.split_alone --http`:
# +5.2 MiB from its 12,000th to its 60,000th split with tracemalloc's count flat; with
# two arenas +2.4). Under the GIL two arenas cost no measurable time.
MALLOC_ARENAS = "2"


def _app(layout: StackLayout, instance: AppInstance, extra_env: dict[str, str]) -> ProcessSpec:
    app_id, app = instance.app_id, instance.ports
    env = {
        "MALLOC_ARENA_MAX": MALLOC_ARENAS,
        "APP_ID": app_id,
        "DAPR_HTTP_PORT": str(app.dapr_http),
        "DAPR_GRPC_PORT": str(app.dapr_grpc),
        "ARTIFACT_DIR": str(layout.artifact_dir),
        "SOURCE_BASE_DIR": str(layout.source_dir),
        **extra_env,
    }
    if app_id in layout.go_apps:  # same flags as uvicorn's, no access log either
        argv = [str(layout.go_apps[app_id]), "--host", LOOPBACK, "--port", str(app.app)]
    else:
        argv = [sys.executable, "-m", "uvicorn", APP_MODULES[app_id],
                "--host", LOOPBACK, "--port", str(app.app), "--no-access-log"]  # fmt: skip
    return ProcessSpec(
        name=instance.name,
        argv=argv,
        health=Health(url=f"http://{LOOPBACK}:{app.app}/healthz"),
        env=env,
    )  # fmt: skip


def _sidecar(
    layout: StackLayout, ports: StackPorts, instance: AppInstance, tokens: StackTokens
) -> ProcessSpec:
    app_id, app = instance.app_id, instance.ports
    return ProcessSpec(
        name=f"{instance.name}-dapr",
        argv=[
            str(layout.bin_dir / "daprd"),
            "--app-id", app_id,
            "--app-port", str(app.app),
            "--app-protocol", sidecar.APP_PROTOCOL,
            "--dapr-listen-addresses", LOOPBACK,
            # Sidecar-to-sidecar calls carry no token (mTLS guards them where Sentry
            # runs); locally they stay on loopback.
            "--dapr-internal-grpc-listen-address", LOOPBACK,
            "--dapr-http-port", str(app.dapr_http),
            "--dapr-grpc-port", str(app.dapr_grpc),
            "--dapr-internal-grpc-port", str(app.dapr_internal_grpc),
            "--metrics-port", str(app.metrics),
            "--metrics-listen-address", LOOPBACK,
            "--placement-host-address", f"{LOOPBACK}:{ports.placement}",
            "--scheduler-host-address", f"{LOOPBACK}:{ports.scheduler}",
            "--resources-path", str(layout.repo / sidecar.RESOURCES_DIR),
            "--config", str(layout.dapr_config),
            "--log-level", sidecar.LOG_LEVEL,
            "--max-body-size", sidecar.MAX_BODY_SIZE,
        ],
        health=Health(url=_sidecar_ready_url(app_id, app.app, app.dapr_http)),
        env={
            "DAPR_HOST_IP": LOOPBACK,
            "GOMAXPROCS": GO_MAXPROCS,
            "REDIS_HOST": redis_host(ports),
            **_token_env(tokens, app_id),
        },
    )  # fmt: skip


def _console(layout: StackLayout, ports: StackPorts) -> ProcessSpec:
    """The operator's console: a plain web app over the host's REST API (no sidecar),
    and over Jaeger's and Prometheus's APIs when the stack runs them."""
    env = {"CONSOLE_HOST_API_URL": api_url(ports)}
    if layout.jaeger is not None:
        env["CONSOLE_JAEGER_URL"] = f"http://{LOOPBACK}:{ports.jaeger_query}"
    if layout.prometheus is not None:
        env["CONSOLE_PROMETHEUS_URL"] = f"http://{LOOPBACK}:{ports.prometheus}"
    return ProcessSpec(
        name=CONSOLE,
        argv=[
            sys.executable, "-m", "uvicorn", CONSOLE_MODULE,
            "--host", LOOPBACK,
            "--port", str(ports.console),
            "--no-access-log",
        ],
        health=Health(url=f"http://{LOOPBACK}:{ports.console}/healthz"),
        env=env,
    )  # fmt: skip


def _sidecar_ready_url(app_id: str, app_port: int, dapr_http_port: int) -> str:
    if app_id == HOST_APP_ID:
        # The host is ready only once its worker stream is open on this sidecar and the
        # sidecar is connected to placement: before that, starting a workflow can fail.
        return f"http://{LOOPBACK}:{app_port}/readyz"
    # /v1.0/healthz answers 204 once the sidecar is up and reaches its app.
    return f"http://{LOOPBACK}:{dapr_http_port}/v1.0/healthz"


def redis_host(ports: StackPorts) -> str:
    """REDIS_HOST for every daprd: components/statestore.redis.yaml reads it."""
    return f"{LOOPBACK}:{ports.redis}"


def api_url(ports: StackPorts) -> str:
    """The base URL of the host's public REST API."""
    return f"http://{LOOPBACK}:{ports.apps[HOST_APP_ID].app}"
