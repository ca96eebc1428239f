import sys

from invoice_stack.cli import main

sys.exit(main())
