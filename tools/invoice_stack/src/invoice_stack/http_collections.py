"""Kept at this path for tests/e2e/test_collections.py and
`python -m invoice_stack.http_collections`: the code lives in `invoice_stack.collections`."""

import sys
from pathlib import Path

from invoice_stack.collections import (
    CollectedRequest,
    parse_bruno,
    parse_bruno_request,
    parse_http,
    render_bruno,
    write_bruno,
)

__all__ = [
    "CollectedRequest",
    "parse_bruno",
    "parse_bruno_request",
    "parse_http",
    "render_bruno",
    "write_bruno",
]

if __name__ == "__main__":
    write_bruno(Path(sys.argv[1]), Path(sys.argv[2]))
