import sys

from invoice_stack.longhaul.run import main

sys.exit(main())
