"""Every port the local stack uses, in one place.

`dapr.yaml` is generated from the defaults (`make generate`) and the other files that
name them are checked by tests/unit/test_topology_restated.py; tests ask for free ports
instead so they can run beside a stack that is already up.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from invoice_shared.dapr_names import (
    AGGREGATE_APP_ID,
    EXTRACT_APP_ID,
    SPLIT_APP_ID,
    UPLOAD_APP_ID,
    WORKFLOW_APP_ID,
)

# Every process listens on loopback only: the local stack is not reachable from outside.
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class AppPorts:
    app: int
    dapr_http: int
    dapr_grpc: int
    dapr_internal_grpc: int
    metrics: int


@dataclass(frozen=True)
class StackPorts:
    redis: int
    placement: int
    placement_health: int
    placement_metrics: int
    placement_raft: int
    scheduler: int
    scheduler_health: int
    scheduler_metrics: int
    scheduler_etcd_client: int
    scheduler_etcd_peer: int
    console: int  # the operator's console (a web app, no sidecar)
    jaeger_query: int  # Jaeger's query API (HTTP)
    jaeger_query_grpc: int
    otlp_grpc: int  # where the sidecars send spans
    otlp_http: int  # where the apps send spans
    prometheus: int
    apps: dict[str, AppPorts]
    # Replicas after the first, per app id (`WORKFLOW_REPLICAS=3 make up`): each is an
    # app and a sidecar of its own with the same app id.
    replicas: dict[str, tuple[AppPorts, ...]] = field(default_factory=dict)


# All below the kernel's ephemeral range (32768-60999 on Linux): a port in it can be
# taken by one of the many outgoing connections the stack opens while it starts.
DEFAULT_PORTS = StackPorts(
    redis=6390,
    placement=30005,
    placement_health=30080,
    placement_metrics=30090,
    placement_raft=30201,
    scheduler=30006,
    scheduler_health=30081,
    scheduler_metrics=30091,
    # Dapr's defaults: `dapr workflow purge` (CLI 1.16, self-hosted) deletes the
    # instance's scheduler jobs through etcd at localhost:2379, whatever the stack says.
    scheduler_etcd_client=2379,
    scheduler_etcd_peer=2380,
    console=9999,
    # The tools' own defaults, so their docs and habits apply as they are.
    jaeger_query=16686,
    jaeger_query_grpc=16685,
    otlp_grpc=4317,
    otlp_http=4318,
    prometheus=9090,
    apps={
        WORKFLOW_APP_ID: AppPorts(8080, 3500, 30001, 30021, 30101),
        UPLOAD_APP_ID: AppPorts(7101, 3511, 30011, 30031, 30111),
        SPLIT_APP_ID: AppPorts(7201, 3512, 30012, 30032, 30112),
        EXTRACT_APP_ID: AppPorts(7301, 3513, 30013, 30033, 30113),
        AGGREGATE_APP_ID: AppPorts(7401, 3514, 30014, 30034, 30114),
    },
)


# `make up`'s replica k (2, 3) takes each port of the app's first instance plus
# (k - 1) x 1000: no clash with any other port of the stack, all below the ephemeral range.
REPLICA_PORT_STEP = 1000
MAX_REPLICAS = 3


def with_replicas(ports: StackPorts, counts: Mapping[str, int]) -> StackPorts:
    """`ports` with `counts[app_id]` instances of each app named there (pure; ports
    shifted by REPLICA_PORT_STEP per replica, as `make up` uses them)."""
    replicas = {
        app_id: tuple(
            AppPorts(*(port + step * REPLICA_PORT_STEP for port in _app_ports(ports.apps[app_id])))
            for step in range(1, count)
        )
        for app_id, count in _checked(counts, ports).items()
        if count > 1
    }
    return replace(ports, replicas=replicas)


def _checked(counts: Mapping[str, int], ports: StackPorts) -> Mapping[str, int]:
    for app_id, count in counts.items():
        if app_id not in ports.apps:
            raise ValueError(f"no app {app_id!r} to replicate")
        if not 1 <= count <= MAX_REPLICAS:
            raise ValueError(f"{app_id}: {count} replicas; one machine runs 1 to {MAX_REPLICAS}")
    return counts


def _app_ports(app: AppPorts) -> list[int]:
    return [getattr(app, f.name) for f in fields(AppPorts)]


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def free_ports(
    seed: int | None = None, cli_purge: bool = True, replicas: Mapping[str, int] | None = None
) -> StackPorts:
    """A full set of currently free loopback ports for a second stack (with the
    `replicas` of each app named there, first instance included).

    They are drawn from below the kernel's ephemeral range: ports the kernel hands to
    outgoing connections could be taken between our choice and the bind, tens of
    seconds later, by one of the many connections the stack itself opens.
    """
    low, _ = _ephemeral_range()
    rng = random.Random(seed)
    reserved = set(all_ports(DEFAULT_PORTS))
    counts = _checked(replicas or {}, DEFAULT_PORTS)
    extra = sum(count - 1 for count in counts.values()) * len(fields(AppPorts))
    chosen: list[int] = []
    while len(chosen) < PORT_COUNT + extra:
        port = rng.randrange(20000, max(20001, low))
        if port not in reserved and port not in chosen and _bindable(port):
            chosen.append(port)
    drawn = iter(chosen)
    ports = assign_ports(drawn, cli_purge)
    more = {
        app_id: tuple(AppPorts(*(next(drawn) for _ in fields(AppPorts))) for _ in range(count - 1))
        for app_id, count in counts.items()
        if count > 1
    }
    return replace(ports, replicas=more)


_NESTED = ("apps", "replicas")
# Every port of a stack without replicas: its scalar fields and each app's fields.
PORT_COUNT = (
    len(fields(StackPorts)) - len(_NESTED) + len(DEFAULT_PORTS.apps) * len(fields(AppPorts))
)


def assign_ports(ports: Iterator[int], cli_purge: bool = True) -> StackPorts:
    """A stack's ports taken in field order from `ports` (pure: the planning half of
    `free_ports`)."""
    scalar: dict[str, Any] = {
        f.name: next(ports) for f in fields(StackPorts) if f.name not in _NESTED
    }
    # Kept at its default so the stock CLI's purge reaches this stack's scheduler
    # (`cli_purge`); a stack nobody manages with the CLI (the benchmark's) needs not.
    if cli_purge:
        scalar["scheduler_etcd_client"] = DEFAULT_PORTS.scheduler_etcd_client
    apps = {
        app_id: AppPorts(*(next(ports) for _ in fields(AppPorts))) for app_id in DEFAULT_PORTS.apps
    }
    return StackPorts(**scalar, apps=apps)


def all_ports(ports: StackPorts) -> list[int]:
    """Every port of `ports`, scalar fields first, then each app's, then its replicas'."""
    scalar = [getattr(ports, f.name) for f in fields(StackPorts) if f.name not in _NESTED]
    instances = [*ports.apps.values(), *(a for more in ports.replicas.values() for a in more)]
    return scalar + [port for app in instances for port in _app_ports(app)]


def ports_from_dict(raw: Mapping[str, Any]) -> StackPorts:
    """StackPorts from `dataclasses.asdict` of one (a stack's state file)."""
    values = dict(raw)
    apps = {app_id: AppPorts(**p) for app_id, p in values.pop("apps").items()}
    replicas = {
        app_id: tuple(AppPorts(**p) for p in more)
        for app_id, more in values.pop("replicas", {}).items()
    }
    return StackPorts(**values, apps=apps, replicas=replicas)
