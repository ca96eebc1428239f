import json

from workflow_app.extraction_keys import extraction_keys


def _event(kind: str, **details: object) -> dict:
    return {"event_id": 1, "timestamp": "", "kind": kind, "details": details}


def test_keys_are_found_in_activity_results_child_results_and_the_aggregate_input():
    history = [
        _event("taskCompleted", result=json.dumps({"page_number": 1, "state_key": "extraction:A"})),
        _event(
            "childWorkflowInstanceCompleted",
            result=json.dumps([{"page_number": 2, "state_key": "extraction:B"}]),
        ),
        _event(
            "taskScheduled",
            name="aggregate_invoice_activity",
            input=json.dumps({"extractions": [{"state_key": "extraction:C"}]}),
        ),
        _event("taskCompleted", result="not json"),
        _event("taskCompleted", result=json.dumps({"state_key": "something-else"})),
    ]
    assert extraction_keys(history) == {"extraction:A", "extraction:B", "extraction:C"}
