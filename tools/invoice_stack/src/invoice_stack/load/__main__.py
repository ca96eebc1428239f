import sys

from invoice_stack.load.soak import main

sys.exit(main())
