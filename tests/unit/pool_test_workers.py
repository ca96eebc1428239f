"""Extraction workers that start late, never, or die before they are ready, for the
pool's tests. A module of their own with light imports: the pool's fork server imports
it to run them, and a heavy import would itself make them late."""

from __future__ import annotations

import os
import time
from multiprocessing.connection import Connection

from extract_service.pool_worker import serve


def late_serve(conn: Connection, max_stream_bytes: int) -> None:
    time.sleep(2)
    serve(conn, max_stream_bytes)


def mute_serve(conn: Connection, max_stream_bytes: int) -> None:
    time.sleep(60)


def dying_serve(conn: Connection, max_stream_bytes: int) -> None:
    os._exit(1)
