"""The pages an instance was split into, read back from its history (pure).

The split activity's result is recorded in the parent's history, so the page
artifacts of any instance that got past splitting can be found without new state.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from invoice_shared.dapr_names import SPLIT_ACTIVITY
from invoice_shared.models import PageMetadata, SplitResult

Json = dict[str, Any]


def split_pages(history: list[Json]) -> list[PageMetadata] | None:
    """The pages of the instance's last successful split, or None if it has none."""
    split_ids = {
        e["event_id"]
        for e in history
        if e["kind"] == "taskScheduled" and e["details"].get("name") == SPLIT_ACTIVITY
    }
    found: list[PageMetadata] | None = None
    for event in history:
        details = event["details"]
        if event["kind"] != "taskCompleted" or details.get("taskScheduledId") not in split_ids:
            continue
        try:
            found = SplitResult.model_validate(json.loads(details.get("result") or "null")).pages
        except (ValueError, ValidationError):
            continue  # not a split result we can read: keep what an earlier one said
    return found
