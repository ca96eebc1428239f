from typing import Any

from workflow_app.planning import (
    child_instance_id,
    extraction_state_key,
    one_ref_per_page,
    plan_batches,
)


def test_invoices_up_to_the_direct_limit_have_no_batches():
    assert plan_batches(1, 2, 2) is None
    assert plan_batches(2, 2, 2) is None


def test_pages_beyond_the_direct_limit_are_batched_in_order():
    assert plan_batches(7, 2, 2) == [[0, 1], [2, 3], [4, 5], [6]]
    assert plan_batches(3, 5, 2) == [[0, 1, 2]]


def test_every_page_lands_in_exactly_one_batch():
    batches = plan_batches(500, 7, 2, max_children=None)
    assert batches is not None
    flat = [i for batch in batches for i in batch]
    assert flat == list(range(500))
    assert all(len(batch) <= 7 for batch in batches)


def test_within_the_default_childrens_bound_every_page_still_lands_once():
    batches = plan_batches(500, 7, 2)  # 72 batches of 7 would pass 64: 63 of 8
    assert batches is not None and len(batches) <= 64
    assert [i for batch in batches for i in batch] == list(range(500))


def test_child_ids_derive_from_the_parent_id():
    assert child_instance_id("INV-1", 3) == "INV-1:batch-0003"


def test_extraction_keys_name_invoice_source_and_page():
    key = extraction_state_key("INV-1", "ab" * 32, 12)
    assert key == f"extraction:INV-1:{'ab' * 32}:00012"
    assert "||" not in key  # reserved by Dapr


def test_one_ref_per_page_keeps_each_pages_own_ref_in_order_and_names_the_rest():
    pages = [
        {"invoice_id": "INV-1", "source_sha256": "a" * 64, "page_number": n} for n in (1, 2, 3)
    ]

    def ref(n: int) -> dict[str, Any]:
        return {"page_number": n, "state_key": extraction_state_key("INV-1", "a" * 64, n)}

    ordered, missing = one_ref_per_page([ref(2), ref(1), ref(1), ref(3)], pages)
    assert (ordered, missing) == ([ref(1), ref(2), ref(3)], [])
    # Page 2's slot holding page 1's ref, and a ref with a foreign key: page 2 is missing.
    foreign = {"page_number": 2, "state_key": "extraction:OTHER:x:00002"}
    ordered, missing = one_ref_per_page([ref(1), ref(1), foreign, ref(3)], pages)
    assert ordered == [ref(1), ref(3)]
    assert missing == [pages[1]]
