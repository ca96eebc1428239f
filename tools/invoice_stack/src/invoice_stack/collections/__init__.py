"""Request collections: read `http/workflow.http` (REST Client) and the Bruno collection
into one shape, and write the Bruno collection from the `.http` file.

`python -m invoice_stack.collections http/workflow.http http/bruno` regenerates the
Bruno collection (`make generate` does too); tests/e2e/test_collections.py runs both
against the real stack.
"""

from invoice_stack.collections.bruno import parse_bruno, parse_bruno_request
from invoice_stack.collections.convert import render_bruno, write_bruno
from invoice_stack.collections.http_file import parse_http
from invoice_stack.collections.model import CollectedRequest

__all__ = [
    "CollectedRequest",
    "parse_bruno",
    "parse_bruno_request",
    "parse_http",
    "render_bruno",
    "write_bruno",
]
