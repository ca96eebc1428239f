"""Kept so `python -m invoice_stack.soak` still runs the soak: it lives in
`invoice_stack.load` (`python -m invoice_stack.load`, `make soak`)."""

import sys

from invoice_stack.load.soak import main

if __name__ == "__main__":
    sys.exit(main())
