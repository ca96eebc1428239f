"""Just enough of Redis's wire protocol for tests to look at and break the state store
underneath the runtime (no Redis client library in the project for this alone)."""

from __future__ import annotations

import io
import socket
from urllib.parse import urlparse

Reply = int | bytes | list["Reply"] | None


def redis_command(url: str, *args: str) -> Reply:
    """One command to the Redis at `url` (redis://host:port), and its reply."""
    where = urlparse(url)
    with socket.create_connection((where.hostname, where.port or 6379), timeout=10) as conn:
        encoded = [a.encode() for a in args]
        request = b"*%d\r\n" % len(encoded) + b"".join(
            b"$%d\r\n%s\r\n" % (len(a), a) for a in encoded
        )
        conn.sendall(request)
        return _reply(conn.makefile("rb"))


def _reply(stream: io.BufferedReader) -> Reply:
    line = stream.readline().rstrip(b"\r\n")
    kind, rest = line[:1], line[1:]
    if kind == b"+":
        return rest
    if kind == b"-":
        raise RuntimeError(f"redis: {rest.decode()}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        if size < 0:
            return None
        data: bytes = stream.read(size + 2)[:-2]
        return data
    if kind == b"*":
        count = int(rest)
        return None if count < 0 else [_reply(stream) for _ in range(count)]
    raise RuntimeError(f"redis: unexpected reply {line!r}")


def redis_keys(url: str, pattern: str) -> list[str]:
    reply = redis_command(url, "KEYS", pattern)
    assert isinstance(reply, list)
    return sorted(k.decode() for k in reply if isinstance(k, bytes))
