"""The benchmark job as the Dapr stack sees it (pure): its settings and its records."""

from __future__ import annotations

from typing import Any


def app_env(job: dict[str, Any]) -> dict[str, str]:
    """The apps' settings for a job: the product's defaults with the job's batching."""
    return {
        # The peers have no human in the loop: no invoice waits for approval.
        "APPROVAL_THRESHOLD": "",
        "APPROVAL_ON_WARNINGS": "false",
        "PAGE_BATCH_SIZE": str(job["batch_size"]),
        "MAX_DIRECT_PAGES": str(job["max_direct_pages"]),
    }


def finished_record(record: dict[str, Any], view: dict[str, Any], latency: float) -> dict[str, Any]:
    """One invoice's record for records.json: its latency, and its result or why none."""
    ok = view.get("status") == "COMPLETED"
    return {
        **record,
        "latency_s": latency,
        "result": view.get("result") if ok else None,
        "error": None if ok else f"{view.get('status')}: {view.get('error')}",
    }
