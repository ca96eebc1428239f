import sys

from invoice_stack.supervisor.cli import main

sys.exit(main())
