"""Which page extractions a workflow stored beside itself, read from its history."""

from __future__ import annotations

import json
from typing import Any

from workflow_app.planning import LINE_ITEMS_KEY_FIELD


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


def stored_items_before(history: list[dict[str, Any]], event_id: int) -> bool:
    """Whether an activity completed before the event `event_id` (a scheduled task, a
    timer, a child) with line items kept beside the history, the aggregate's result
    naming their key: a rerun from that event copies the result rather than aggregating
    again. Completions carry no ids of their own, so "before" is the history's order."""
    for event in history:
        if event["event_id"] == event_id and event["kind"] != "taskCompleted":
            return False
        result = event["details"].get("result") if event["kind"] == "taskCompleted" else None
        if isinstance(result, str) and LINE_ITEMS_KEY_FIELD in result:
            try:
                payload = json.loads(result)
            except ValueError:
                continue
            if isinstance(payload, dict) and LINE_ITEMS_KEY_FIELD in payload:
                return True
    return False
