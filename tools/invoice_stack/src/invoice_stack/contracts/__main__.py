import sys

from invoice_stack.contracts.cli import main

sys.exit(main())
