import sys

from invoice_stack.compose.cli import main

sys.exit(main())
