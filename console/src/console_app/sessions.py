"""Sign-ins, kept in this process: the API key never leaves the server.

The browser holds only a random session id (an HttpOnly cookie); each session has its
own CSRF token, which every state-changing request must echo. A restart of the console
signs everyone out, which is the safe failure.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    api_key: str
    csrf: str
    expires_at: float


class Sessions:
    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._by_id: dict[str, Session] = {}

    def open(self, api_key: str) -> tuple[str, Session]:
        self._forget_expired()
        session_id = secrets.token_urlsafe(32)
        session = Session(api_key, secrets.token_urlsafe(32), self._clock() + self._ttl)
        self._by_id[session_id] = session
        return session_id, session

    def get(self, session_id: str | None) -> Session | None:
        session = self._by_id.get(session_id or "")
        if session is None or session.expires_at <= self._clock():
            self._by_id.pop(session_id or "", None)
            return None
        return session

    def close(self, session_id: str | None) -> None:
        self._by_id.pop(session_id or "", None)

    def _forget_expired(self) -> None:
        now = self._clock()
        for session_id in [i for i, s in self._by_id.items() if s.expires_at <= now]:
            del self._by_id[session_id]


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())
