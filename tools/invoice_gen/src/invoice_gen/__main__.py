"""`python -m invoice_gen`: see invoice_gen.cli."""

from invoice_gen.cli import main

raise SystemExit(main())
