"""What bodies the host takes: JSON, and multipart for a PDF upload (the check itself is
invoice_shared.body_rules)."""

from __future__ import annotations

from invoice_shared.body_rules import BodyRule, RuleFor, json_bodies
from workflow_app.config import Settings

UPLOAD_PATH = "/api/invoices"
# What the check answers, for every operation with a body (see openapi_errors).
BODY_RULE_ERRORS = {
    413: "The body is larger than the host takes (MAX_JSON_BYTES; for a PDF upload, "
    "MAX_UPLOAD_BYTES).",
    415: "The body is not of the media type the operation takes: application/json, or "
    "multipart/form-data for a PDF upload.",
}
# Multipart framing around the file: boundaries, headers, the invoice_id field.
_MULTIPART_SLACK = 64 * 1024


def host_body_rules(settings: Settings) -> RuleFor:
    upload = BodyRule("multipart/form-data", settings.max_upload_bytes + _MULTIPART_SLACK)
    return json_bodies(settings.max_json_bytes, {UPLOAD_PATH: upload})
