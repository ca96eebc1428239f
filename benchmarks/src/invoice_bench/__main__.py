import sys

from invoice_bench.cli import main

sys.exit(main())
