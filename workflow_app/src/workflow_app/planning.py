"""Pure decisions the workflows make, kept out of them so they can be unit-tested."""

from __future__ import annotations


def plan_batches(page_count: int, batch_size: int, max_direct_pages: int) -> list[list[int]] | None:
    """Group page indexes into child-workflow batches, or None to extract directly.

    Invoices of up to `max_direct_pages` pages fan out straight from the parent; longer
    ones go through children so the parent's history grows with the number of batches,
    not pages.
    """
    if page_count <= max_direct_pages:
        return None
    return [
        list(range(i, min(i + batch_size, page_count))) for i in range(0, page_count, batch_size)
    ]


def child_instance_id(parent_id: str, batch_number: int) -> str:
    """Children derive their ids from the parent's so reruns address the same children."""
    return f"{parent_id}:batch-{batch_number:04d}"


def extraction_state_key(invoice_id: str, source_sha256: str, page_number: int) -> str:
    # Dapr reserves "||" in state keys for its own prefixes, so ':' separates the parts.
    return f"extraction:{invoice_id}:{source_sha256}:{page_number:05d}"
