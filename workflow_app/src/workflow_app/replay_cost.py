"""What replaying `invoice_workflow` costs for a long invoice, measured in process.

The runtime sends the whole history with every event and the SDK replays the workflow
from its start each time, so a parent with many child batches pays on every child that
finishes. This drives the SDK's own executor with the history the runtime would keep
(every action recorded as scheduled, children finishing a few at a time) and prints the
CPU the replays took and the history's size, with no sidecar involved:

    python -m workflow_app.replay_cost 500 2000 --batch-size 2 --per-run 1
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from dapr.ext.workflow._durabletask.internal import helpers

from invoice_shared.dapr_names import INVOICE_WORKFLOW
from workflow_app.executor_harness import RecordedInstance, registry_for
from workflow_app.planning import extraction_state_key
from workflow_app.workflows import invoice_workflow

_ID = "REPLAY-COST"
_SHA = "0" * 64


@dataclass
class Cost:
    pages: int
    children: int
    runs: int
    replay_cpu_seconds: float  # the fan-in: from the split's result to the last child
    history_bytes: int


def _page(number: int, count: int) -> dict[str, Any]:
    return {
        "invoice_id": _ID,
        "source_sha256": _SHA,
        "page_number": number,
        "page_count": count,
        "blob_key": f"pages/{_SHA}/{number:05d}.pdf",
        "width_pt": 595.0,
        "height_pt": 842.0,
        "rotation": 0,
        "has_text_layer": True,
        "embedded_invoice_key": None,
    }


def measure(pages: int, batch_size: int, per_run: int) -> Cost:
    """Start an invoice of `pages`, answer upload and split, then finish its children
    `per_run` at a time (the runtime batches events that arrive together)."""
    instance = RecordedInstance(registry_for(invoice_workflow, INVOICE_WORKFLOW, "latest"), _ID)
    start = {"invoice_id": _ID, "pdf_path": "x/x.pdf", "stall_seconds": 120}
    start |= {"batch_size": batch_size}
    instance.run(helpers.new_execution_started_event(INVOICE_WORKFLOW, _ID, json.dumps(start)))
    upload: dict[str, Any] = {"invoice_id": _ID, "source_sha256": _SHA, "page_count": pages}
    upload |= {"blob_key": f"sources/{_SHA}.pdf", "size_bytes": 1}
    instance.run(helpers.new_task_completed_event(1, json.dumps(upload)))  # 2 is the timer
    split: dict[str, Any] = {"invoice_id": _ID, "source_sha256": _SHA, "page_count": pages}
    split["pages"] = [_page(n, pages) for n in range(1, pages + 1)]
    instance.run(helpers.new_task_completed_event(3, json.dumps(split)))
    before = instance.cpu_seconds
    children = list(instance.children)
    for first in range(0, len(children), per_run):
        finished = []
        for task_id, batch in children[first : first + per_run]:
            refs = [
                {
                    "page_number": p["page_number"],
                    "state_key": extraction_state_key(_ID, _SHA, p["page_number"]),
                }
                for p in batch["pages"]
            ]
            finished.append(helpers.new_child_workflow_completed_event(task_id, json.dumps(refs)))
        instance.run(*finished)
    return Cost(
        pages=pages,
        children=len(children),
        runs=instance.runs,
        replay_cpu_seconds=instance.cpu_seconds - before,
        history_bytes=sum(event.ByteSize() for event in instance.history),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=int, nargs="+")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--per-run", type=int, default=1, help="children finished per event")
    args = parser.parse_args(argv)
    print("| Pages | Children | Runs | Replay CPU s | History KiB |\n|---:|---:|---:|---:|---:|")
    for pages in args.pages:
        cost = measure(pages, args.batch_size, args.per_run)
        print(
            f"| {cost.pages} | {cost.children} | {cost.runs} | "
            f"{cost.replay_cpu_seconds:.2f} | {cost.history_bytes / 1024:.0f} |"
        )


if __name__ == "__main__":
    main()
