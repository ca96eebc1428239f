import sys

from invoice_stack.bench.driver import main

sys.exit(main(sys.argv[1:]))
