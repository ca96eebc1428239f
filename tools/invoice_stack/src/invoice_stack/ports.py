"""Every port the local stack uses, in one place.

The defaults match `dapr.yaml` and `docker-compose.yml`; tests ask for free ports
instead so they can run beside a stack that is already up.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, fields

from invoice_shared.dapr_names import (
    AGGREGATE_APP_ID,
    EXTRACT_APP_ID,
    SPLIT_APP_ID,
    UPLOAD_APP_ID,
    WORKFLOW_APP_ID,
)


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
    apps: dict[str, AppPorts]


DEFAULT_PORTS = StackPorts(
    redis=6390,
    placement=50005,
    placement_health=58080,
    placement_metrics=59090,
    placement_raft=58201,
    scheduler=50006,
    scheduler_health=58081,
    scheduler_metrics=59091,
    scheduler_etcd_client=52379,
    scheduler_etcd_peer=52380,
    apps={
        WORKFLOW_APP_ID: AppPorts(8080, 3500, 50001, 50021, 59101),
        UPLOAD_APP_ID: AppPorts(7101, 3511, 50011, 50031, 59111),
        SPLIT_APP_ID: AppPorts(7201, 3512, 50012, 50032, 59112),
        EXTRACT_APP_ID: AppPorts(7301, 3513, 50013, 50033, 59113),
        AGGREGATE_APP_ID: AppPorts(7401, 3514, 50014, 50034, 59114),
    },
)


def _free_port_allocator():  # type: ignore[no-untyped-def]
    # Hold every socket open until all are chosen so no port is handed out twice.
    held: list[socket.socket] = []

    def take() -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        held.append(sock)
        return sock.getsockname()[1]

    def release() -> None:
        for sock in held:
            sock.close()

    return take, release


def free_ports() -> StackPorts:
    """A full set of currently free loopback ports."""
    take, release = _free_port_allocator()
    try:
        scalar = {f.name: take() for f in fields(StackPorts) if f.name != "apps"}
        apps = {
            app_id: AppPorts(*(take() for _ in fields(AppPorts))) for app_id in DEFAULT_PORTS.apps
        }
    finally:
        release()
    return StackPorts(**scalar, apps=apps)
