"""Which page extractions a workflow stored beside itself, read from its history."""

from __future__ import annotations

import json
from typing import Any


def extraction_keys(history: list[dict[str, Any]]) -> set[str]:
    """State keys of page extractions named anywhere in a workflow's history: in the
    results of extract activities and page-batch children, and the aggregate input."""
    keys: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            key = value.get("state_key")
            if isinstance(key, str) and key.startswith("extraction:"):
                keys.add(key)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for event in history:
        for field in ("result", "input"):
            payload = event["details"].get(field)
            if isinstance(payload, str):
                try:
                    walk(json.loads(payload))
                except ValueError:
                    continue
    return keys
