"""The `.http` parser and the `.http` -> Bruno converter, on small files (the committed
collection itself is checked by test_generated_files and, against the stack, by
tests/e2e/test_collections.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoice_stack.collections import parse_bruno_request, parse_http, render_bruno

HTTP = """\
# a comment before the variables
@host = http://127.0.0.1:8080
@apiKey = {{$dotenv INVOICE_API_KEY}}

### Start one
# @name start
# @expect 202
POST {{host}}/api/workflows/invoice
X-API-Key: {{apiKey}}
Content-Type: application/json

{
  "invoice_id": "A"
}

### Its status
# @wait-until A status=COMPLETED|FAILED
# @expect 200
GET {{start.response.body.status_url}}
X-API-Key: {{apiKey}}

### Upload
# @expect 202
POST {{host}}/api/workflows/invoice/upload
Content-Type: multipart/form-data; boundary=B

--B
Content-Disposition: form-data; name="invoice_id"

U
--B
Content-Disposition: form-data; name="file"; filename="a.pdf"

< ../data/a.pdf
--B--
"""


def test_the_http_file_gives_its_variables_and_requests_in_order():
    variables, requests = parse_http(HTTP)
    assert variables == {"host": "http://127.0.0.1:8080", "apiKey": "{{$dotenv INVOICE_API_KEY}}"}
    assert [(r.method, r.expect) for r in requests] == [("POST", 202), ("GET", 200), ("POST", 202)]
    start = requests[0]
    assert (start.title, start.name) == ("Start one", "start")
    assert start.headers == {"X-API-Key": "{{apiKey}}", "Content-Type": "application/json"}
    assert start.body == '{\n  "invoice_id": "A"\n}'
    assert requests[1].waits == ["A status=COMPLETED|FAILED"]


def test_a_request_without_its_expected_status_is_refused():
    with pytest.raises(ValueError, match="documents no status"):
        parse_http("### Liveness\nGET {{host}}/healthz\n")


def test_bruno_reads_the_key_from_the_same_env_variable():
    files = render_bruno(HTTP, Path("/repo/http"), Path("/repo/http/bruno"))
    assert "  apiKey: {{process.env.INVOICE_API_KEY}}\n" in files["environments/local.bru"]


def test_each_request_becomes_a_numbered_bru_file_that_reads_back_the_same():
    files = render_bruno(HTTP, Path("/repo/http"), Path("/repo/http/bruno"))
    _, requests = parse_http(HTTP)
    assert sorted(files) == [
        "01-start-one.bru",
        "02-its-status.bru",
        "03-upload.bru",
        "bruno.json",
        "environments/local.bru",
    ]
    seq, start = parse_bruno_request(files["01-start-one.bru"])
    assert seq == 1
    assert (start.method, start.url, start.expect, start.body) == (
        "POST",
        "{{host}}/api/workflows/invoice",
        202,
        requests[0].body,
    )


def test_a_chained_value_becomes_a_bruno_variable_set_from_the_response():
    files = render_bruno(HTTP, Path("/repo/http"), Path("/repo/http/bruno"))
    _, start = parse_bruno_request(files["01-start-one.bru"])
    _, status = parse_bruno_request(files["02-its-status.bru"])
    assert start.post_vars == {"start_status_url": "res.body.status_url"}
    assert status.url == "{{start_status_url}}"
    assert status.waits == ["A status=COMPLETED|FAILED"]


def test_a_multipart_file_is_referenced_from_the_collections_folder():
    files = render_bruno(HTTP, Path("/repo/http"), Path("/repo/http/bruno"))
    _, upload = parse_bruno_request(files["03-upload.bru"])
    assert upload.form == {"invoice_id": "U", "file": "@file(../../data/a.pdf)"}
