"""What the long-haul run samples: each process group's memory, open files and threads
from /proc; Redis's keys and memory; the size of the scheduler's embedded etcd."""

from __future__ import annotations

import socket

import httpx

from invoice_stack.load.memory import usage_by_session

LOOPBACK = "127.0.0.1"


def processes(sessions: dict[str, int]) -> dict[str, dict[str, float]]:
    """RSS and its anonymous part (MiB), open file descriptors and threads of each
    supervised process with all its descendants (by session: see usage_by_session)."""
    usage = usage_by_session(sessions.values(), count_fds=True)
    return {
        name: {
            "rss_mib": usage[sid].rss_kib / 1024,
            "anon_mib": usage[sid].anon_kib / 1024,
            "fds": float(usage[sid].fds),
            "threads": float(usage[sid].threads),
        }
        for name, sid in sessions.items()
    }


def _redis_command(port: int, command: bytes) -> bytes:
    """One inline command; the whole reply (INFO's bulk string fits one read loop)."""
    with socket.create_connection((LOOPBACK, port), timeout=5.0) as sock:
        sock.sendall(command + b"\r\n")
        reply = b""
        while True:
            chunk = sock.recv(65536)
            reply += chunk
            if not chunk or _complete(reply):
                return reply


def _complete(reply: bytes) -> bool:
    if reply.startswith(b"$"):  # bulk string: $<length>\r\n<data>\r\n
        header, _, rest = reply.partition(b"\r\n")
        return len(rest) >= int(header[1:]) + 2
    return reply.endswith(b"\r\n")


def redis(port: int) -> dict[str, float]:
    """Keys in the stack's database and Redis's own memory (used and resident)."""
    keys = int(_redis_command(port, b"DBSIZE").strip()[1:])
    info = _redis_command(port, b"INFO memory").decode(errors="replace")
    fields = dict(
        line.split(":", 1) for line in info.splitlines() if ":" in line and not line.startswith("$")
    )
    return {
        "keys": float(keys),
        "used_mib": int(fields["used_memory"]) / 2**20,
        "rss_mib": int(fields["used_memory_rss"]) / 2**20,
    }


def go_runtime(metrics_port: int) -> dict[str, float]:
    """A Go process's runtime memory from its Prometheus metrics, MiB: all it holds from
    the OS (`go_memstats_sys_bytes`: the ceiling its private memory fills into as the
    heap's pages are touched); the records of its sampled allocation profile
    (`go_memstats_buck_hash_sys_bytes`: one per allocating call stack seen, kept for the
    process's life); and the rest, where a Go leak grows (heap, stacks, GC metadata)."""
    text = httpx.get(f"http://{LOOPBACK}:{metrics_port}/metrics", timeout=5.0).text
    held = go_metric_mib(text, "go_memstats_sys_bytes")
    try:
        profile = go_metric_mib(text, "go_memstats_buck_hash_sys_bytes")
    except ValueError:  # a runtime that does not report it: judged on all it holds
        return {"go_sys_mib": held}
    return {"go_sys_mib": held, "go_profile_mib": profile, "go_program_mib": held - profile}


def go_metric_mib(metrics: str, name: str) -> float:
    """One of the Go runtime's byte gauges in Prometheus text format, in MiB."""
    for line in metrics.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1]) / 2**20
    raise ValueError(f"no {name} in the metrics")


def scheduler_etcd(client_port: int) -> dict[str, float]:
    """The embedded etcd's database size (file and in use), revision, raft index and
    live keys, from its own status API and metrics on the client port."""
    base = f"http://{LOOPBACK}:{client_port}"
    with httpx.Client(timeout=5.0) as client:
        status = client.post(f"{base}/v3/maintenance/status", json={}).json()
        metrics = client.get(f"{base}/metrics").text
    keys = next(
        (
            float(line.split()[1])
            for line in metrics.splitlines()
            if line.startswith("etcd_debugging_mvcc_keys_total ")
        ),
        float("nan"),
    )
    return {
        "db_mib": int(status["dbSize"]) / 2**20,
        "db_in_use_mib": int(status["dbSizeInUse"]) / 2**20,
        "revision": float(status["header"]["revision"]),
        "raft_index": float(status["raftIndex"]),
        "keys": keys,
    }
