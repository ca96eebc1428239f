"""Kept at this path for tests/e2e/test_collections.py and
`python -m invoice_stack.http_collections`: the code lives in `invoice_stack.collections`."""

import sys
from pathlib import Path

# A re-export of the package's public names, whatever they become.
from invoice_stack.collections import *  # noqa: F403
from invoice_stack.collections import __all__, write_bruno  # noqa: F401

if __name__ == "__main__":
    write_bruno(Path(sys.argv[1]), Path(sys.argv[2]))
