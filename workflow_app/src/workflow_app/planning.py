"""Pure decisions the workflows make, kept out of them so they can be unit-tested."""

from __future__ import annotations

from typing import Any

# The batching rule lives in the shared policy, where the bench peers use it too.
from invoice_shared.policy import plan_batches

__all__ = [
    "CHILD_SEPARATOR",
    "LINE_ITEMS_KEY_FIELD",
    "child_instance_id",
    "extraction_state_key",
    "line_items_state_key",
    "one_ref_per_page",
    "plan_batches",
]

Json = dict[str, Any]

# The field an aggregate result (and the workflow's output) carries in place of line items
# kept in the state store.
LINE_ITEMS_KEY_FIELD = "line_items_state_key"
# Between a parent's id and its batch number in a child's id.
CHILD_SEPARATOR = ":batch-"


def child_instance_id(parent_id: str, batch_number: int) -> str:
    """Children derive their ids from the parent's so reruns address the same children."""
    return f"{parent_id}{CHILD_SEPARATOR}{batch_number:04d}"


def extraction_state_key(invoice_id: str, source_sha256: str, page_number: int) -> str:
    # Dapr reserves "||" in state keys for its own prefixes, so ':' separates the parts.
    return f"extraction:{invoice_id}:{source_sha256}:{page_number:05d}"


def line_items_state_key(instance_id: str) -> str:
    """Where an instance's line items are kept when too many for its history."""
    return f"line-items:{instance_id}"


def one_ref_per_page(refs: list[Json], pages: list[Json]) -> tuple[list[Json], list[Json]]:
    """The extraction refs in page order, one per page, and the pages that have none.

    A ref counts for a page only if it names that page's own state key. The fault test
    caught the workflow runtime handing one page's result to its neighbour's task after
    a Redis restart (page 9's extraction twice, page 10's never); without this check
    such an invoice completes with the wrong line items.
    """
    wanted = {
        page["page_number"]: extraction_state_key(
            page["invoice_id"], page["source_sha256"], page["page_number"]
        )
        for page in pages
    }
    found = {
        ref["page_number"]: ref
        for ref in refs
        if wanted.get(ref["page_number"]) == ref["state_key"]
    }
    ordered = [found[number] for number in wanted if number in found]
    missing = [page for page in pages if page["page_number"] not in found]
    return ordered, missing
