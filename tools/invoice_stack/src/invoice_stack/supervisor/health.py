"""Whether a process of the stack is up: an HTTP health URL answering 2xx, or a Redis PING."""

from __future__ import annotations

import socket

import httpx

from invoice_stack.topology import Health
from invoice_stack.topology.ports import LOOPBACK


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1.0) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def healthy(health: Health, client: httpx.Client) -> bool:
    if health.redis_port is not None:
        return redis_ping(health.redis_port)
    assert health.url is not None
    try:
        return client.get(health.url, timeout=2.0).is_success
    except httpx.HTTPError:
        return False
