from workflow_app.planning import child_instance_id, extraction_state_key, plan_batches


def test_invoices_up_to_the_direct_limit_have_no_batches():
    assert plan_batches(1, 2, 2) is None
    assert plan_batches(2, 2, 2) is None


def test_pages_beyond_the_direct_limit_are_batched_in_order():
    assert plan_batches(7, 2, 2) == [[0, 1], [2, 3], [4, 5], [6]]
    assert plan_batches(3, 5, 2) == [[0, 1, 2]]


def test_every_page_lands_in_exactly_one_batch():
    batches = plan_batches(500, 7, 2)
    assert batches is not None
    flat = [i for batch in batches for i in batch]
    assert flat == list(range(500))
    assert all(len(batch) <= 7 for batch in batches)


def test_child_ids_derive_from_the_parent_id():
    assert child_instance_id("INV-1", 3) == "INV-1:batch-0003"


def test_extraction_keys_name_invoice_source_and_page():
    key = extraction_state_key("INV-1", "ab" * 32, 12)
    assert key == f"extraction:INV-1:{'ab' * 32}:00012"
    assert "||" not in key  # reserved by Dapr
